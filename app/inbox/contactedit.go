package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"agent/app/store"
	"agent/app/usererr"
)

// ContactInput is what a person may change of a contact: how they are called and
// reached. An empty email or phone removes it.
type ContactInput struct {
	Name  string
	Email string
	Phone string
}

// check validates the input and puts it in the form it is stored in: the address lower
// case, the phone without spaces, dashes, dots or brackets.
func (in *ContactInput) check() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if utf8.RuneCountInString(in.Name) > maxContactName {
		return &usererr.InputError{Field: "name", Message: fmt.Sprintf("keep the name under %d characters", maxContactName)}
	}
	var err error
	if in.Email, err = checkEmail(in.Email); err != nil {
		return err
	}
	in.Phone, err = checkPhone(in.Phone)
	return err
}

// checkEmail returns a bare address in lower case, "" for none.
func checkEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", &usererr.InputError{Field: "email", Message: "enter an email address such as name@example.com"}
	}
	return strings.ToLower(s), nil
}

// checkPhone returns a phone number as digits with its leading + (if any), "" for none:
// 5 to 15 digits (E.164 allows 15), written with spaces, dashes, dots or brackets.
func checkPhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	p, ok := phoneDigits(s)
	if !ok {
		return "", &usererr.InputError{Field: "phone", Message: "enter a phone number of digits, such as +47 912 34 567"}
	}
	if n := len(strings.TrimPrefix(p, "+")); n < 5 || n > 15 {
		return "", &usererr.InputError{Field: "phone", Message: "a phone number has 5 to 15 digits"}
	}
	return p, nil
}

// phoneDigits returns s without the separators a phone number is written with, and false
// when s holds anything else or no digit.
func phoneDigits(s string) (string, bool) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case strings.ContainsRune(" -.()/", r):
		default:
			return "", false
		}
	}
	p := b.String()
	return p, strings.TrimPrefix(p, "+") != ""
}

// ContactTaken is the error of an email or phone that another contact of the workspace
// has: it is shown on the field, and Other is offered for a merge.
type ContactTaken struct {
	Field string // "email" or "phone"
	Other Contact
}

func (e *ContactTaken) Error() string { return e.input().Error() }

// Unwrap makes it an input error, shown as one wherever input errors are.
func (e *ContactTaken) Unwrap() error { return e.input() }

func (e *ContactTaken) input() *usererr.InputError {
	what := "address"
	if e.Field == "phone" {
		what = "phone number"
	}
	who := e.Other.Label()
	if e.Other.Name != "" {
		who = e.Other.Name
	}
	return &usererr.InputError{Field: e.Field, Message: fmt.Sprintf("another contact (%s) has this %s: merge the two instead", who, what)}
}

// UpdateContact changes a contact's name, email and phone. An email or phone another
// contact of the workspace has is a *ContactTaken. A changed address is no longer flagged
// as bouncing.
func (s *Store) UpdateContact(ctx context.Context, workspaceID, id int64, in ContactInput) (Contact, error) {
	if err := in.check(); err != nil {
		return Contact{}, err
	}
	res, err := s.db.Write.ExecContext(ctx, `UPDATE contacts SET name = ?1, email = NULLIF(?2, ''), phone = NULLIF(?3, ''),
		email_bounced_at = CASE WHEN COALESCE(email, '') = ?2 THEN email_bounced_at END, updated_at = ?4
		WHERE id = ?5 AND workspace_id = ?6`, in.Name, in.Email, in.Phone, s.now().Unix(), id, workspaceID)
	if store.IsUniqueViolation(err) {
		return Contact{}, s.taken(ctx, workspaceID, id, in)
	}
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: update contact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Contact{}, ErrNotFound
	}
	return s.Contact(ctx, workspaceID, id)
}

// taken finds the other contact whose email or phone an update collided with.
func (s *Store) taken(ctx context.Context, workspaceID, id int64, in ContactInput) error {
	for _, f := range []struct{ field, column, value string }{{"email", "email", in.Email}, {"phone", "phone", in.Phone}} {
		if f.value == "" {
			continue
		}
		other, err := s.contactWhere(ctx, "workspace_id = ? AND "+f.column+" = ? AND id <> ?", workspaceID, f.value, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		return &ContactTaken{Field: f.field, Other: other}
	}
	return errors.New("inbox: update contact: a unique value is taken, but by no other contact")
}

// contactIdentities are the columns of contacts that say how a customer reaches the
// workspace (a channel's id for them): a merge moves each to the kept contact. Each names
// at most one contact, so where both contacts have one, the kept contact's stays and the
// merged one's is dropped; a widget visitor is the exception, kept in contact_visitors.
// A migration that adds an identity column adds it here (TestContactColumns fails until
// every column of contacts is either here or in contactDetails).
var contactIdentities = []string{"email", "phone", "visitor_id", "whatsapp_id", "messenger_psid", "external_id"}

// contactDetails are the other columns of contacts, and what a merge does with them.
var contactDetails = map[string]string{
	"id":               "the kept contact's",
	"workspace_id":     "the same for both",
	"name":             "the kept contact's, or the merged one's when it has none",
	"email_bounced_at": "goes with the email it flags",
	"created_at":       "the earlier of the two",
	"updated_at":       "the time of the merge",
}

// MergeContacts merges contact goneID into keepID, both of the workspace, in one
// transaction: goneID's conversations and channel identities (contactIdentities) become
// keepID's, its name fills an empty one, and goneID is deleted.
func (s *Store) MergeContacts(ctx context.Context, workspaceID, keepID, goneID int64) (Contact, error) {
	if keepID == goneID {
		return Contact{}, &usererr.InputError{Field: "other", Message: "choose another contact to merge into this one"}
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM contacts WHERE id IN (?, ?) AND workspace_id = ?", keepID, goneID, workspaceID).Scan(&n); err != nil {
			return err
		}
		if n != 2 {
			return ErrNotFound
		}
		// The merged contact's identities, read before it is deleted: each is unique.
		gone := make([]any, len(contactIdentities)+3)
		ptrs := make([]any, len(gone))
		for i := range gone {
			ptrs[i] = &gone[i]
		}
		if err := tx.QueryRowContext(ctx, "SELECT "+strings.Join(contactIdentities, ", ")+", email_bounced_at, name, created_at FROM contacts WHERE id = ?",
			goneID).Scan(ptrs...); err != nil {
			return err
		}
		var keepVisitor sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT visitor_id FROM contacts WHERE id = ?", keepID).Scan(&keepVisitor); err != nil {
			return err
		}
		bounced, name, created := gone[len(gone)-3], gone[len(gone)-2], gone[len(gone)-1]
		// Every expression of an UPDATE reads the row as it was: email_bounced_at moves with
		// the email only when the kept contact had none.
		set := []string{"email_bounced_at = CASE WHEN email IS NULL THEN ? ELSE email_bounced_at END",
			"name = CASE name WHEN '' THEN ? ELSE name END", "created_at = MIN(created_at, ?)", "updated_at = ?"}
		args := []any{bounced, name, created, s.now().Unix()}
		for i, col := range contactIdentities {
			set = append(set, col+" = COALESCE("+col+", ?)")
			args = append(args, gone[i])
		}
		steps := []struct {
			q    string
			args []any
		}{
			{"UPDATE conversations SET contact_id = ? WHERE contact_id = ? AND workspace_id = ?", []any{keepID, goneID, workspaceID}},
			{"UPDATE contact_visitors SET contact_id = ? WHERE contact_id = ?", []any{keepID, goneID}},
			{"DELETE FROM contacts WHERE id = ?", []any{goneID}},
			{"UPDATE contacts SET " + strings.Join(set, ", ") + " WHERE id = ?", append(args, keepID)},
		}
		if v := gone[slices.Index(contactIdentities, "visitor_id")]; v != nil && keepVisitor.Valid {
			// Both are widget visitors (the person on two browsers): the kept contact has both.
			steps = append(steps, struct {
				q    string
				args []any
			}{"INSERT INTO contact_visitors (visitor_id, contact_id) VALUES (?, ?)", []any{v, keepID}})
		}
		for _, st := range steps {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return Contact{}, err
	}
	if err != nil {
		return Contact{}, fmt.Errorf("inbox: merge contacts: %w", err)
	}
	return s.Contact(ctx, workspaceID, keepID)
}
