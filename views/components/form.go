// Package components holds the small pieces the screens share: form fields with their
// errors, empty states.
package components

import "strings"

// Form carries what a person typed and what was wrong with it, so a rejected form is
// shown again filled in, with each error next to its field.
type Form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // a problem with the form as a whole
}

// NewForm returns an empty form.
func NewForm() Form { return Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Value returns the value typed into a field.
func (f Form) Value(name string) string { return f.Values[name] }

// FieldError returns the error of a field, or "".
func (f Form) FieldError(name string) string { return f.Errors[name] }

// Invalid reports whether the form has any error.
func (f Form) Invalid() bool { return f.Error != "" || len(f.Errors) > 0 }

// DescribedBy is the aria-describedby of a field: its help text (id h-NAME, when help is
// set) and its error (id e-NAME, when it has one).
func DescribedBy(f Form, name, help string) string {
	var ids []string
	if help != "" {
		ids = append(ids, "h-"+name)
	}
	if f.FieldError(name) != "" {
		ids = append(ids, "e-"+name)
	}
	return strings.Join(ids, " ")
}
