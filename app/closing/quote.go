package closing

import (
	"context"
	"time"
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
	Subtotal    Money // the lines before discounts and tax
	Discount    Money // all discounts, as a positive amount
	Tax         Money
	Total       Money // what the buyer pays, tax included
	Payment     string
	Delivery    string
	ExpiresAt   time.Time // the last day the quote can be accepted; zero: no expiry
}

// Line is one line item of a quote.
type Line struct {
	Name        string
	Description string
	Quantity    string // exact decimal ("3", "2.5")
	UnitPrice   Money
	Discount    string // percent off the line ("10"); "" or "0": none
	TaxRate     string // percent ("25")
	Net         Money  // quantity × unit price less the discount, before tax
}

// Quotes finds the quote a conversation of a quote's page is about. The quotes package
// is one; tests use a map.
type Quotes interface {
	ForConversation(ctx context.Context, workspaceID, conversationID int64) (Quote, error)
}
