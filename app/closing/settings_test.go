package closing_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"agent/app/closing"
	"agent/app/knowledge"
	"agent/app/usererr"
)

func TestOnlySuperAdminsConfigure(t *testing.T) {
	f := newEvalFixture(t)
	notSuper := closing.Actor{ID: f.owner.ID} // the workspace's owner, were they not a super admin
	if _, err := f.store.Save(f.ctx, notSuper, f.ws, f.input); !errors.Is(err, closing.ErrForbidden) {
		t.Errorf("save by a non super admin: %v", err)
	}
	if err := f.store.SetActive(f.ctx, notSuper, f.ws, true); !errors.Is(err, closing.ErrForbidden) {
		t.Errorf("activate by a non super admin: %v", err)
	}
	if err := f.store.SetAvatar(f.ctx, notSuper, f.ws, pngImage(t)); !errors.Is(err, closing.ErrForbidden) {
		t.Errorf("avatar by a non super admin: %v", err)
	}
	st, err := f.store.Get(f.ctx, f.ws)
	if err != nil || st.Active || st.HasAvatar || st.Name != "Quote assistant" {
		t.Fatalf("refused changes changed the settings: %+v %v", st, err)
	}
}

func TestSettingsAreChecked(t *testing.T) {
	f := newEvalFixture(t)
	other, err := f.accounts.CreateWorkspace(f.ctx, "Other", f.owner.ID)
	if err != nil {
		t.Fatal(err)
	}
	km := knowledge.New(knowledge.Options{DB: f.db})
	foreign, err := km.CreateArticle(f.ctx, other.ID, knowledge.ArticleInput{Title: "Theirs", Body: "Another workspace's article."})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field string
		edit  func(*closing.Input)
	}{
		{"name", func(in *closing.Input) { in.Name = " " }},
		{"sources", func(in *closing.Input) { in.SourceIDs = nil }},
		{"sources", func(in *closing.Input) { in.SourceIDs = []int64{foreign.ID} }},
		{"inbox", func(in *closing.Input) { in.NewInbox, in.InboxChannelID = "", 0 }},
		{"inbox", func(in *closing.Input) { in.NewInbox, in.InboxChannelID = "", 987654 }},
		{"handoff", func(in *closing.Input) { in.ToOwner, in.TeamIDs = false, nil }},
		{"teams", func(in *closing.Input) { in.TeamIDs = []int64{987654} }},
		{"quick_replies", func(in *closing.Input) { in.QuickReplies = []string{"a", "b", "c", "d", "e", "f"} }},
		{"trust", func(in *closing.Input) { in.Trust = "reckless" }},
	}
	for _, c := range cases {
		in := f.input
		in.NewInbox, in.InboxChannelID = "", f.settings.InboxChannelID
		c.edit(&in)
		_, err := f.store.Save(f.ctx, f.superAdmin(), f.ws, in)
		var ie *usererr.InputError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%s: %v, want an error on %s", c.field, err, c.field)
		}
	}
	// Another workspace's closing agent is its own: none there yet.
	if _, err := f.store.Get(f.ctx, other.ID); !errors.Is(err, closing.ErrNotFound) {
		t.Errorf("another workspace: %v", err)
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	f := newEvalFixture(t)
	if f.settings.Active {
		t.Error("a new closing agent is active before anyone activates it")
	}
	in := f.input
	in.NewInbox, in.InboxChannelID = "", f.settings.InboxChannelID
	in.Welcome, in.FirstAction = "Hi, I'm the quote assistant.", "I can answer questions about this quote."
	in.QuickReplies = []string{" What is the total? ", "", "When does it expire?"}
	in.UnavailableOne, in.UnavailableAll = "one", "all"
	st, err := f.store.Save(f.ctx, f.superAdmin(), f.ws, in)
	if err != nil {
		t.Fatal(err)
	}
	if st.Welcome != in.Welcome || st.FirstAction != in.FirstAction || len(st.QuickReplies) != 2 || st.QuickReplies[0] != "What is the total?" ||
		st.UnavailableOne != "one" || st.UnavailableAll != "all" || len(st.SourceIDs) != len(in.SourceIDs) || !st.ToOwner {
		t.Fatalf("saved %+v", st)
	}
	if err := f.store.SetActive(f.ctx, f.superAdmin(), f.ws, true); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.store.Get(f.ctx, f.ws); !st.Active {
		t.Error("not active after activating")
	}
}

func TestAvatarIsCheckedByContent(t *testing.T) {
	f := newEvalFixture(t)
	html := []byte("<html><script>alert(1)</script></html>")
	var ie *usererr.InputError
	if err := f.store.SetAvatar(f.ctx, f.superAdmin(), f.ws, html); !errors.As(err, &ie) {
		t.Errorf("an HTML file taken as an avatar: %v", err)
	}
	img := pngImage(t)
	if err := f.store.SetAvatar(f.ctx, f.superAdmin(), f.ws, img); err != nil {
		t.Fatal(err)
	}
	got, ct, err := f.store.Avatar(f.ctx, f.ws)
	if err != nil || ct != "image/png" || !bytes.Equal(got, img) {
		t.Fatalf("avatar %s %v", ct, err)
	}
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, 4, 4))
	m.Set(1, 1, color.RGBA{200, 30, 30, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
