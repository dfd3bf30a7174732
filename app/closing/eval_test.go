package closing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"agent/app/account"
	"agent/app/agent"
	"agent/app/channel"
	"agent/app/closing"
	"agent/app/knowledge"
	"agent/app/llm"
	"agent/app/llm/llmtest"
	"agent/app/quote"
	"agent/app/store"
)

// evalSet is testdata/closing/eval.json: quotes, knowledge and the questions buyers ask.
type evalSet struct {
	Quotes []struct {
		Number, Title, Buyer, Currency, Payment, Delivery string
		ExpiresOn                                         string `json:"expires_on"`
		Lines                                             []struct {
			Name            string
			Description     string
			Quantity        string
			UnitPrice       string `json:"unit_price"`
			DiscountPercent string `json:"discount_percent"`
			DiscountAmount  string `json:"discount_amount"`
			TaxRate         string `json:"tax_rate"`
		}
	}
	Knowledge []struct {
		Title, Lang, Body, URL string
		Chosen                 bool
	}
	Questions []evalQuestion
}

type evalQuestion struct {
	ID, Quote, Text string
	Browser         *string // the browser's language; absent: Lang
	Lang            string  // the language the reply must be in
	Decision        agent.Decision
	Reason          agent.Reason
	Answer          string // an answer from the quote's fields, exactly
	Source          string // an answer from the knowledge: the source it must cite first
}

// evalFixture is a workspace with the set's quotes, knowledge and closing agent.
type evalFixture struct {
	ctx       context.Context
	set       evalSet
	db        *store.DB
	accounts  *account.Manager
	owner     account.User
	ws        int64
	knowledge *knowledge.Manager
	store     *closing.Store
	settings  closing.Settings
	input     closing.Input // what settings were saved from
	stored    map[string]quote.Quote
	quotes    map[string]closing.Quote
}

func newEvalFixture(t *testing.T) *evalFixture {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile("../../testdata/closing/eval.json")
	if err != nil {
		t.Fatal(err)
	}
	f := &evalFixture{ctx: ctx, quotes: map[string]closing.Quote{}, stored: map[string]quote.Quote{}}
	if err := json.Unmarshal(raw, &f.set); err != nil {
		t.Fatal(err)
	}
	f.db, err = store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.db.Close() })
	f.accounts = account.New(f.db)
	owner, ws, _, err := f.accounts.Setup(ctx, account.NewUser{Email: "olga@example.com", Name: "Olga", Password: "correct horse"}, "Seller")
	if err != nil {
		t.Fatal(err)
	}
	f.knowledge = knowledge.New(knowledge.Options{DB: f.db})
	var chosen []int64
	for _, k := range f.set.Knowledge {
		src, err := f.knowledge.CreateArticle(ctx, ws.ID, knowledge.ArticleInput{Title: k.Title, Body: k.Body, Lang: k.Lang, URL: k.URL})
		if err != nil {
			t.Fatal(err)
		}
		if k.Chosen {
			chosen = append(chosen, src.ID)
		}
	}
	qs := quote.New(f.db)
	for _, in := range f.set.Quotes {
		qi := quote.Input{Number: in.Number, Title: in.Title, BuyerCompany: in.Buyer, OwnerID: owner.ID, Currency: in.Currency,
			PaymentTerms: in.Payment, DeliveryTerms: in.Delivery, ExpiresOn: in.ExpiresOn}
		for _, l := range in.Lines {
			qi.Lines = append(qi.Lines, quote.LineInput{Name: l.Name, Description: l.Description, Quantity: l.Quantity, UnitPrice: l.UnitPrice,
				DiscountPercent: l.DiscountPercent, DiscountAmount: l.DiscountAmount, TaxRate: l.TaxRate})
		}
		q, err := qs.Create(ctx, ws.ID, qi)
		if err != nil {
			t.Fatal(in.Number, err)
		}
		f.stored[q.Number] = q
		f.quotes[q.Number] = closing.View(q, quoteURL(q))
	}
	f.owner, f.ws = owner, ws.ID
	f.store = closing.NewStore(f.db, channel.NewStore(f.db))
	f.input = closing.Input{Name: "Quote assistant", NewInbox: "Quotes", ToOwner: true, SourceIDs: chosen}
	f.settings, err = f.store.Save(ctx, f.superAdmin(), ws.ID, f.input)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func quoteURL(q quote.Quote) string { return "https://seller.example/q/" + q.Number }

func (f *evalFixture) superAdmin() closing.Actor {
	return closing.Actor{ID: f.owner.ID, SuperAdmin: f.owner.SuperAdmin}
}

// evalFigures are what a run of the set measured.
type evalFigures struct {
	questions, decisionsRight               int
	fieldAsked, fieldExact                  int
	knowledgeAsked, knowledgeCited          int
	handoffsExpected, handoffsMade, handoff int // handoff: made where expected
	langRight                               int
	byLang                                  map[string][2]int // questions, and those right in every respect
}

// run asks every question of the set with engine e and checks each reply; it returns the
// figures. Every failure is reported: a wrong decision, or a field answer not exact to the
// character, fails the test.
func (f *evalFixture) run(t *testing.T, e *agent.Engine) evalFigures {
	t.Helper()
	fig := evalFigures{byLang: map[string][2]int{}}
	for _, q := range f.set.Questions {
		bad := false
		fail := func(format string, args ...any) {
			t.Helper()
			bad = true
			t.Errorf(format, args...)
		}
		browser := q.Lang
		if q.Browser != nil {
			browser = *q.Browser
		}
		r, err := closing.Reply(context.Background(), e, f.settings, f.quotes[q.Quote], agent.Message{Text: q.Text, Lang: browser, Channel: "quote"})
		if err != nil {
			t.Fatalf("%s: %v", q.ID, err)
		}
		fig.questions++
		ok := true
		if r.Decision != q.Decision || q.Reason != "" && r.Reason != q.Reason {
			fail("%s %q: %s (%s), want %s %s: %q", q.ID, q.Text, r.Decision, r.Reason, q.Decision, q.Reason, r.Text)
			ok = false
		}
		if ok {
			fig.decisionsRight++
		}
		if q.Decision == agent.Handoff {
			fig.handoffsExpected++
		}
		if r.Decision == agent.Handoff {
			fig.handoffsMade++
			if q.Decision == agent.Handoff {
				fig.handoff++
			}
		}
		if sameLang(r.Lang, q.Lang) {
			fig.langRight++
		} else {
			fail("%s %q: replied in %q, want %q", q.ID, q.Text, r.Lang, q.Lang)
		}
		switch {
		case q.Answer != "":
			fig.fieldAsked++
			if r.Text == q.Answer && r.Reason == closing.ReasonQuote && r.Mode == agent.ModeExtractive && len(r.Sources) == 1 {
				fig.fieldExact++
			} else {
				fail("%s %q: field answer %q (%s, %s), want exactly %q", q.ID, q.Text, r.Text, r.Reason, r.Mode, q.Answer)
			}
		case q.Source != "":
			fig.knowledgeAsked++
			if len(r.Sources) > 0 && (r.Sources[0].Title == q.Source || strings.HasPrefix(r.Sources[0].Title, q.Source+" › ")) {
				fig.knowledgeCited++
			} else {
				fail("%s %q: cited %v, want %q first (%q)", q.ID, q.Text, titles(r.Sources), q.Source, r.Text)
			}
		}
		n := fig.byLang[q.Lang]
		n[0]++
		if !bad {
			n[1]++
		}
		fig.byLang[q.Lang] = n
	}
	return fig
}

func sameLang(got, want string) bool {
	norm := func(l string) string {
		if l == "nb" || l == "nn" {
			return "no"
		}
		return l
	}
	return norm(got) == norm(want)
}

func titles(cs []agent.Citation) []string {
	var ts []string
	for _, c := range cs {
		ts = append(ts, c.Title)
	}
	return ts
}

func (fig evalFigures) String() string {
	pct := func(a, b int) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%d/%d (%.0f%%)", a, b, 100*float64(a)/float64(b))
	}
	return strings.Join([]string{
		"questions " + fmt.Sprint(fig.questions),
		"decision accuracy " + pct(fig.decisionsRight, fig.questions),
		"field answers exact " + pct(fig.fieldExact, fig.fieldAsked),
		"knowledge answers citing the right source " + pct(fig.knowledgeCited, fig.knowledgeAsked),
		"handoff precision " + pct(fig.handoff, fig.handoffsMade),
		"handoff recall " + pct(fig.handoff, fig.handoffsExpected),
		"reply language " + pct(fig.langRight, fig.questions),
		"right by language " + byLang(fig.byLang),
	}, "; ")
}

func byLang(m map[string][2]int) string {
	var out []string
	for _, l := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%s %d/%d", l, m[l][1], m[l][0]))
	}
	return strings.Join(out, ", ")
}

// TestEval runs the question set in extractive mode (no model), as the closing agent
// answers by default.
func TestEval(t *testing.T) {
	f := newEvalFixture(t)
	if n := len(f.set.Questions); n < 40 {
		t.Fatalf("the set has %d questions; it needs at least 40", n)
	}
	fig := f.run(t, agent.NewEngine(agent.Options{Knowledge: f.knowledge}))
	t.Logf("extractive: %s", fig)
}

// TestEvalWithModel runs the set with a model (the fake Ollama): the decisions and the
// field answers are the same to the character, and no field question reaches the model.
func TestEvalWithModel(t *testing.T) {
	f := newEvalFixture(t)
	ollama := llmtest.New(t)
	ollama.SetReply(func(req api.ChatRequest) string {
		return "Here is what our documentation says about it [1]."
	})
	client, err := llm.New(llm.Options{URL: ollama.URL(), ChatModel: "llama3.2", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e := agent.NewEngine(agent.Options{Knowledge: f.knowledge, LLM: client})
	fig := f.run(t, e)
	t.Logf("with a model: %s", fig)
	chats := 0
	for _, r := range ollama.Requests() {
		if r.Chat == nil {
			continue
		}
		chats++
		last := r.Chat.Messages[len(r.Chat.Messages)-1].Content
		for _, q := range f.set.Questions {
			if q.Answer != "" && strings.Contains(last, q.Text) {
				t.Errorf("the field question %s reached the model", q.ID)
			}
		}
	}
	if want := fig.knowledgeAsked; chats < want {
		t.Errorf("the model wrote %d replies; the %d knowledge answers should have been written by it", chats, want)
	}
}

func (f *evalFixture) quoteStore() *quote.Store { return quote.New(f.db) }
