// Package usererr holds the errors meant for people: a domain package returns them when
// the person did something that cannot be done, and the web layer shows their text as it
// is. Every other error is logged and shown as a generic failure.
package usererr

// Error is a failure fit to show to a person as it is ("wrong email or password").
type Error string

func (e Error) Error() string { return string(e) }

// InputError is a problem with what a person typed or uploaded, naming the form field.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }
