package quote

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Record is a quote in the JSON form that `agent quote import` reads, so that invoicing
// tools can feed quotes: numbers as JSON numbers or strings ("1234.50"), the owner by
// email. Importing a record again updates the quote with its number.
type Record struct {
	Number        string       `json:"number"`
	Title         string       `json:"title"`
	Buyer         RecordBuyer  `json:"buyer"`
	Owner         string       `json:"owner,omitempty"` // the owner's email; a member of the workspace
	Currency      string       `json:"currency"`
	PaymentTerms  string       `json:"payment_terms,omitempty"`
	DeliveryTerms string       `json:"delivery_terms,omitempty"`
	Notes         string       `json:"notes,omitempty"`
	ExpiresOn     string       `json:"expires_on"` // YYYY-MM-DD
	Lines         []RecordLine `json:"lines"`
}

// RecordBuyer is the buyer of a Record.
type RecordBuyer struct {
	Company  string    `json:"company,omitempty"`
	Contacts []Contact `json:"contacts,omitempty"`
}

// RecordLine is a line item of a Record.
type RecordLine struct {
	Name            string      `json:"name"`
	Description     string      `json:"description,omitempty"`
	Quantity        json.Number `json:"quantity"`
	UnitPrice       json.Number `json:"unit_price"`
	DiscountPercent json.Number `json:"discount_percent,omitempty"`
	DiscountAmount  json.Number `json:"discount_amount,omitempty"`
	TaxRate         json.Number `json:"tax_rate,omitempty"`
}

// Input is the record as a quote's input, with the owner found by the caller.
func (r Record) Input(ownerID int64) Input {
	in := Input{Number: r.Number, Title: r.Title, BuyerCompany: r.Buyer.Company, Contacts: r.Buyer.Contacts, OwnerID: ownerID,
		Currency: r.Currency, PaymentTerms: r.PaymentTerms, DeliveryTerms: r.DeliveryTerms, Notes: r.Notes, ExpiresOn: r.ExpiresOn}
	for _, l := range r.Lines {
		in.Lines = append(in.Lines, LineInput{Name: l.Name, Description: l.Description, Quantity: l.Quantity.String(),
			UnitPrice: l.UnitPrice.String(), DiscountPercent: l.DiscountPercent.String(), DiscountAmount: l.DiscountAmount.String(),
			TaxRate: l.TaxRate.String()})
	}
	return in
}

// RecordOf is a quote as a Record (the owner's email given by the caller), for export.
func RecordOf(q Quote, ownerEmail string) Record {
	r := Record{Number: q.Number, Title: q.Title, Buyer: RecordBuyer{Company: q.BuyerCompany, Contacts: q.Contacts}, Owner: ownerEmail,
		Currency: q.Currency, PaymentTerms: q.PaymentTerms, DeliveryTerms: q.DeliveryTerms, Notes: q.Notes, ExpiresOn: q.ExpiresOn,
		Lines: []RecordLine{}}
	for _, l := range q.Lines {
		rl := RecordLine{Name: l.Name, Description: l.Description, Quantity: json.Number(l.Quantity.String()),
			UnitPrice: json.Number(l.UnitPrice.String())}
		if !l.DiscountPercent.IsZero() {
			rl.DiscountPercent = json.Number(l.DiscountPercent.String())
		}
		if !l.DiscountAmount.IsZero() {
			rl.DiscountAmount = json.Number(l.DiscountAmount.String())
		}
		if !l.TaxRate.IsZero() {
			rl.TaxRate = json.Number(l.TaxRate.String())
		}
		r.Lines = append(r.Lines, rl)
	}
	return r
}

// Bounds of an import: the whole input and the number of quotes in it (each quote is
// bounded by Check: its lines, contacts and texts).
const (
	MaxImportBytes   = 16 << 20
	MaxImportRecords = 10000
)

// ErrImportTooLarge is returned when the input passes MaxImportBytes.
var ErrImportTooLarge = fmt.Errorf("quote: the input is larger than %d MiB", MaxImportBytes>>20)

// ReadRecords reads JSON quotes from r, one after the other: objects, arrays of objects,
// or both (JSON Lines is one object per line), calling each with every record and its
// position (1-based), or with the error of a record that does not fit the format: a
// field the format does not have is refused, so that a misspelt one ("unitprice") is not
// silently dropped. Reading stops at malformed JSON, at an error from each, or past the
// bounds.
func ReadRecords(r io.Reader, each func(n int, rec Record, err error) error) error {
	lr := &io.LimitedReader{R: r, N: MaxImportBytes + 1}
	dec := json.NewDecoder(lr)
	n := 0
	one := func(raw json.RawMessage) error {
		n++
		if n > MaxImportRecords {
			return fmt.Errorf("quote: more than %d quotes in one import; split the input", MaxImportRecords)
		}
		var rec Record
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		err := d.Decode(&rec)
		return each(n, rec, err)
	}
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if lr.N <= 0 {
			return ErrImportTooLarge
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("quote: after %d quotes: %w", n, err)
		}
		if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			if err := one(raw); err != nil {
				return err
			}
			continue
		}
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return fmt.Errorf("quote: after %d quotes: %w", n, err)
		}
		for _, item := range list {
			if err := one(item); err != nil {
				return err
			}
		}
	}
}
