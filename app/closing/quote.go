package closing

import (
	"context"
	"time"

	"agent/app/quote"

	"github.com/shopspring/decimal"
)

// Quote is what the closing agent knows of a quote: the fields it quotes exactly. The
// amounts are the quote's own exact decimals, never recomputed here.
type Quote struct {
	ID          int64
	WorkspaceID int64
	OwnerID     int64 // the user the quote belongs to: handoffs go to them first
	Number      string
	Title       string
	Buyer       string
	URL         string // the quote's public page, cited by answers from its fields
	Currency    string // ISO 4217
	Lines       []Line
	Subtotal    Money // the lines' nets: after discounts, before tax
	Discount    Money // the lines' discounts, as a positive amount
	Tax         Money
	Total       Money // what the buyer pays, tax included
	Payment     string
	Delivery    string
	ExpiresOn   time.Time // the last day the quote holds (a calendar day); zero: none
}

// Line is one line item of a quote.
type Line struct {
	Name           string
	Description    string
	Quantity       string // exact decimal ("3", "2.5")
	UnitPrice      Money
	Discount       string // percent off the line ("10"); "" or "0": none
	DiscountAmount Money  // or a fixed amount off it
	TaxRate        string // percent ("25")
	Net            Money  // quantity × unit price less the discount, before tax
}

// Quotes finds the quote a conversation of a quote's page is about. The quotes package
// is one; tests use a map.
type Quotes interface {
	ForConversation(ctx context.Context, workspaceID, conversationID int64) (Quote, error)
}

// View is what the closing agent reads of a stored quote, url being its public page: the
// figures as the quote computes and shows them (quote.Compute), in its currency's decimals.
func View(q quote.Quote, url string) Quote {
	t := q.Totals()
	fixed := func(d decimal.Decimal) Money { return Money(quote.Fixed(d, t.Scale)) }
	v := Quote{ID: q.ID, WorkspaceID: q.WorkspaceID, OwnerID: q.OwnerID, Number: q.Number, Title: q.Title, Buyer: q.BuyerCompany,
		URL: url, Currency: q.Currency, Subtotal: fixed(t.Subtotal), Discount: fixed(t.Discount), Tax: fixed(t.Tax), Total: fixed(t.Total),
		Payment: q.PaymentTerms, Delivery: q.DeliveryTerms}
	if d, err := time.Parse(time.DateOnly, q.ExpiresOn); err == nil {
		v.ExpiresOn = d
	}
	for i, l := range q.Lines {
		ln := Line{Name: l.Name, Description: l.Description, Quantity: l.Quantity.String(), UnitPrice: Money(l.UnitPrice.String()),
			TaxRate: quote.Percent(l.TaxRate), Net: fixed(t.Lines[i].Net)}
		if l.DiscountPercent.IsPositive() {
			ln.Discount = quote.Percent(l.DiscountPercent)
		} else if l.DiscountAmount.IsPositive() {
			ln.DiscountAmount = fixed(t.Lines[i].Discount)
		}
		v.Lines = append(v.Lines, ln)
	}
	return v
}

// Stored reads the quotes of conversations from the quotes' store (Quotes).
type Stored struct {
	Quotes *quote.Store
	// URL is the public page of a quote, cited by the answers from its fields; nil or ""
	// cites the quote without a link.
	URL func(context.Context, quote.Quote) string
}

// ForConversation returns the quote conversation conversationID of the workspace was
// started on.
func (s Stored) ForConversation(ctx context.Context, workspaceID, conversationID int64) (Quote, error) {
	q, err := s.Quotes.ForConversation(ctx, workspaceID, conversationID)
	if err != nil {
		return Quote{}, err
	}
	url := ""
	if s.URL != nil {
		url = s.URL(ctx, q)
	}
	return View(q, url), nil
}
