package channel_test

import (
	"context"
	"testing"
	"time"

	"agent/app/channel"
)

// A new channel closes its conversations after its kind's time unless told otherwise:
// a chat after a day, an email thread after 72 hours.
func TestCloseAfterByKind(t *testing.T) {
	db, _, _, ws := setup(t)
	s, ctx := channel.NewStore(db), context.Background()
	for kind, want := range map[channel.Kind]time.Duration{channel.Chat: 24 * time.Hour, channel.Email: 72 * time.Hour} {
		c, err := s.Create(ctx, ws.ID, channel.Input{Kind: kind, Name: string(kind), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if c.CloseAfter != want {
			t.Errorf("%s closes after %v, want %v", kind, c.CloseAfter, want)
		}
	}
	if r := (channel.Widget{}).Rules(); !r.Streaming || r.Sends {
		t.Errorf("the widget's rules: %+v", r)
	}
}
