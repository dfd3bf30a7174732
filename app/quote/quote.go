// Package quote holds a workspace's sales quotes: their line items and exact totals, their
// life (draft, published, accepted, expired, withdrawn), the signed link of each quote's
// public page, who viewed that page and the conversations started on it. The closing
// agent answers from these fields.
package quote

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/usererr"

	"github.com/shopspring/decimal"
)

// Status is where a quote is in its life.
type Status string

// The statuses. Expired is never stored: a published quote is expired once its expiry
// date has passed (State).
const (
	Draft     Status = "draft"
	Published Status = "published"
	Accepted  Status = "accepted"
	Expired   Status = "expired"
	Withdrawn Status = "withdrawn"
)

// Errors meant for people.
var (
	ErrNotFound        = usererr.Error("not found")
	ErrNumberTaken     = usererr.Error("another quote of this workspace has that number")
	ErrAccepted        = usererr.Error("this quote was accepted; it can no longer be changed")
	ErrNotPublished    = usererr.Error("only a published quote can be marked accepted")
	ErrPastExpiry      = usererr.Error("this quote's expiry date has passed; set a later one before publishing")
	ErrNoLines         = usererr.Error("a quote needs at least one line item before it is published")
	ErrNotWithdrawable = usererr.Error("only a published quote can be withdrawn")
)

// Bounds of what a quote holds: the admin form and imports are refused beyond them.
const (
	MaxLines    = 200
	MaxContacts = 20
	maxShort    = 200 // number, title, company, names, emails, roles
	maxNumber   = 64
	maxLong     = 4000 // terms, notes, a line's description
)

// Contact is a person on the buyer's side.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role,omitempty"`
}

// Line is one line item.
type Line struct {
	Name            string
	Description     string
	Quantity        decimal.Decimal
	UnitPrice       decimal.Decimal
	DiscountPercent decimal.Decimal // 0–100; or
	DiscountAmount  decimal.Decimal // a fixed amount off the line (in the currency)
	TaxRate         decimal.Decimal // percent
}

// Quote is a sales quote.
type Quote struct {
	ID            int64
	WorkspaceID   int64
	Number        string
	Title         string
	BuyerCompany  string
	Contacts      []Contact
	OwnerID       int64 // 0: none
	Currency      string
	PaymentTerms  string
	DeliveryTerms string
	Notes         string
	ExpiresOn     string    // YYYY-MM-DD, the last day the quote holds
	ExpiresAt     time.Time // the end of that day in the workspace's time zone
	Status        Status    // as stored: never Expired (see State)
	LinkVersion   int64
	Lines         []Line
	PublishedAt   time.Time
	AcceptedAt    time.Time
	WithdrawnAt   time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// State is the quote's status at now: a published quote past its expiry is Expired.
func (q Quote) State(now time.Time) Status {
	if q.Status == Published && !now.Before(q.ExpiresAt) {
		return Expired
	}
	return q.Status
}

// Scale is the number of decimals of the quote's currency.
func (q Quote) Scale() int32 {
	s, _ := Scale(q.Currency)
	return s
}

// Totals computes the quote's figures.
func (q Quote) Totals() Totals { return Compute(q.Scale(), q.Lines) }

// Format writes an amount of the quote's currency for people ("12,400.00 EUR").
func (q Quote) Format(d decimal.Decimal) string { return Format(d, q.Scale(), q.Currency) }

// FormatPrice writes a unit price as the quote holds it, for people: with the currency's
// decimals at least ("45.50 EUR", not "45.5") and every further one it has ("0.0125 EUR"),
// never rounded.
func (q Quote) FormatPrice(d decimal.Decimal) string {
	scale := q.Scale()
	if _, frac, ok := strings.Cut(d.String(), "."); ok && int32(len(frac)) > scale {
		scale = int32(len(frac))
	}
	return Format(d, scale, q.Currency)
}

// Input is a quote as a person or an import gives it: numbers as decimal text ("1234.50"),
// checked and turned into a Quote by Check.
type Input struct {
	Number        string
	Title         string
	BuyerCompany  string
	Contacts      []Contact
	OwnerID       int64
	Currency      string
	PaymentTerms  string
	DeliveryTerms string
	Notes         string
	ExpiresOn     string // YYYY-MM-DD
	Lines         []LineInput
}

// LineInput is a line item as given.
type LineInput struct {
	Name            string
	Description     string
	Quantity        string
	UnitPrice       string
	DiscountPercent string // empty: none
	DiscountAmount  string // empty: none
	TaxRate         string // empty: 0
}

// Check validates in and returns the quote it describes (no ID, status or times), or an
// InputError naming the first field at fault ("lines[2].unit_price").
func (in Input) Check() (Quote, error) {
	q := Quote{
		Number: strings.TrimSpace(in.Number), Title: strings.TrimSpace(in.Title),
		BuyerCompany: strings.TrimSpace(in.BuyerCompany), OwnerID: in.OwnerID,
		Currency:     strings.ToUpper(strings.TrimSpace(in.Currency)),
		PaymentTerms: strings.TrimSpace(in.PaymentTerms), DeliveryTerms: strings.TrimSpace(in.DeliveryTerms),
		Notes: strings.TrimSpace(in.Notes), ExpiresOn: strings.TrimSpace(in.ExpiresOn),
	}
	for _, f := range []struct {
		field, value string
		max          int
		required     bool
	}{
		{"number", q.Number, maxNumber, true}, {"title", q.Title, maxShort, true},
		{"buyer_company", q.BuyerCompany, maxShort, false},
		{"payment_terms", q.PaymentTerms, maxLong, false}, {"delivery_terms", q.DeliveryTerms, maxLong, false},
		{"notes", q.Notes, maxLong, false},
	} {
		if err := checkText(f.field, f.value, f.max, f.required); err != nil {
			return Quote{}, err
		}
	}
	scale, ok := Scale(q.Currency)
	if !ok {
		return Quote{}, &usererr.InputError{Field: "currency", Message: fmt.Sprintf("%q is not an ISO 4217 currency code such as EUR or USD", in.Currency)}
	}
	if _, err := time.Parse(time.DateOnly, q.ExpiresOn); err != nil {
		return Quote{}, &usererr.InputError{Field: "expires_on", Message: "give the expiry date as YYYY-MM-DD"}
	}
	if len(in.Contacts) > MaxContacts {
		return Quote{}, &usererr.InputError{Field: "contacts", Message: fmt.Sprintf("at most %d contacts", MaxContacts)}
	}
	for i, c := range in.Contacts {
		c = Contact{Name: strings.TrimSpace(c.Name), Email: strings.TrimSpace(c.Email), Role: strings.TrimSpace(c.Role)}
		if c == (Contact{}) {
			continue
		}
		field := fmt.Sprintf("contacts[%d]", i)
		if err := checkText(field+".name", c.Name, maxShort, true); err != nil {
			return Quote{}, err
		}
		if err := checkText(field+".role", c.Role, maxShort, false); err != nil {
			return Quote{}, err
		}
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || len(c.Email) > maxShort {
				return Quote{}, &usererr.InputError{Field: field + ".email", Message: fmt.Sprintf("%q is not an email address", c.Email)}
			}
		}
		q.Contacts = append(q.Contacts, c)
	}
	if len(in.Lines) > MaxLines {
		return Quote{}, &usererr.InputError{Field: "lines", Message: fmt.Sprintf("at most %d line items", MaxLines)}
	}
	for i, li := range in.Lines {
		l, err := li.check(fmt.Sprintf("lines[%d]", i), scale)
		if err != nil {
			return Quote{}, err
		}
		q.Lines = append(q.Lines, l)
	}
	return q, nil
}

func (li LineInput) check(field string, scale int32) (Line, error) {
	l := Line{Name: strings.TrimSpace(li.Name), Description: strings.TrimSpace(li.Description)}
	if err := checkText(field+".name", l.Name, maxShort, true); err != nil {
		return Line{}, err
	}
	if err := checkText(field+".description", l.Description, maxLong, false); err != nil {
		return Line{}, err
	}
	var err error
	zero, hundredOK := decimal.Zero, hundred
	if l.Quantity, err = number(field+".quantity", li.Quantity, maxDecimals, true, &zero, &maxAmount); err != nil {
		return Line{}, err
	}
	if !l.Quantity.IsPositive() {
		return Line{}, &usererr.InputError{Field: field + ".quantity", Message: "the quantity must be more than 0"}
	}
	if l.UnitPrice, err = number(field+".unit_price", li.UnitPrice, maxDecimals, true, &zero, &maxAmount); err != nil {
		return Line{}, err
	}
	if l.DiscountPercent, err = number(field+".discount_percent", li.DiscountPercent, maxRateDecimals, false, &zero, &hundredOK); err != nil {
		return Line{}, err
	}
	if l.DiscountAmount, err = number(field+".discount_amount", li.DiscountAmount, scale, false, &zero, &maxAmount); err != nil {
		return Line{}, err
	}
	if l.DiscountPercent.IsPositive() && l.DiscountAmount.IsPositive() {
		return Line{}, &usererr.InputError{Field: field + ".discount_amount", Message: "give a discount as a percentage or as an amount, not both"}
	}
	if gross := l.Quantity.Mul(l.UnitPrice).Round(scale); l.DiscountAmount.GreaterThan(gross) {
		return Line{}, &usererr.InputError{Field: field + ".discount_amount", Message: "the discount is more than the line's amount"}
	}
	if l.TaxRate, err = number(field+".tax_rate", li.TaxRate, maxRateDecimals, false, &zero, &hundredOK); err != nil {
		return Line{}, err
	}
	return l, nil
}

// number parses a decimal written plainly ("1234.5"; no exponent, no thousands
// separator) with at most decimals decimals, within [lo, hi]. Empty is 0 unless required.
func number(field, s string, decimals int32, required bool, lo, hi *decimal.Decimal) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" && !required {
		return decimal.Zero, nil
	}
	if s == "" {
		return decimal.Zero, &usererr.InputError{Field: field, Message: "required"}
	}
	if len(s) > 40 || !numberRe.MatchString(s) {
		return decimal.Zero, &usererr.InputError{Field: field, Message: fmt.Sprintf("%q is not a number such as 1234.50", s)}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, &usererr.InputError{Field: field, Message: fmt.Sprintf("%q is not a number such as 1234.50", s)}
	}
	if !d.Equal(d.Round(decimals)) {
		return decimal.Zero, &usererr.InputError{Field: field, Message: fmt.Sprintf("at most %d decimals", decimals)}
	}
	if d.LessThan(*lo) || d.GreaterThan(*hi) {
		return decimal.Zero, &usererr.InputError{Field: field, Message: fmt.Sprintf("must be between %s and %s", lo, hi)}
	}
	return d, nil
}

func checkText(field, s string, max int, required bool) error {
	switch {
	case required && s == "":
		return &usererr.InputError{Field: field, Message: "required"}
	case !utf8.ValidString(s):
		return &usererr.InputError{Field: field, Message: "not valid text (UTF-8)"}
	case utf8.RuneCountInString(s) > max:
		return &usererr.InputError{Field: field, Message: fmt.Sprintf("at most %d characters", max)}
	}
	return nil
}
