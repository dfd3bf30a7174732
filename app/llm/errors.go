package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/ollama/ollama/api"
)

// ErrNoModel means neither the call nor Options named a model, so there is nothing to ask Ollama.
var ErrNoModel = errors.New("llm: no model configured")

// ErrUnavailable means Ollama could not be reached or did not answer in time; retrying later may help.
var ErrUnavailable = errors.New("llm: ollama unavailable")

// ErrModelNotFound means Ollama is up but the model is not installed; an operator must pull it.
var ErrModelNotFound = errors.New("llm: model not found")

// ErrRefused means Ollama answered but refused this input (a 4xx other than "not found",
// such as "the input length exceeds the context length"): the same request will fail again,
// so the caller should set the input aside rather than retry it.
var ErrRefused = errors.New("llm: input refused")

// ErrStreamCut means the answer stream ended before Ollama's final (done) message, so the reply is partial.
var ErrStreamCut = errors.New("llm: stream cut")

// llmError carries a human message while matching a sentinel (kind) and the underlying cause with errors.Is/As.
type llmError struct {
	kind  error
	msg   string
	cause error
}

func (e *llmError) Error() string { return e.msg }

func (e *llmError) Unwrap() []error {
	var errs []error
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// unavailable builds the "not reachable" error for cause, naming the URL.
func (c *Client) unavailable(cause error) error {
	return &llmError{
		kind:  ErrUnavailable,
		msg:   fmt.Sprintf("ollama at %s is not reachable: %v", c.url, cause),
		cause: cause,
	}
}

// timedOut builds the error for a call that outlived Options.Timeout; it matches both ErrUnavailable and context.DeadlineExceeded.
func (c *Client) timedOut() error {
	return &llmError{
		kind:  ErrUnavailable,
		msg:   fmt.Sprintf("ollama at %s is not reachable: no complete answer within %s", c.url, c.timeout),
		cause: context.DeadlineExceeded,
	}
}

// notFound builds the error for a model Ollama does not have, with the command that fixes it.
func (c *Client) notFound(model string, cause error) error {
	return &llmError{
		kind:  ErrModelNotFound,
		msg:   fmt.Sprintf("model %q is not installed in Ollama at %s; run: ollama pull %s", model, c.url, model),
		cause: cause,
	}
}

// classify maps an error from api.Client into one of the package's errors; op prefixes the message ("chat llama3").
// The caller's context is checked first so that a cancelled request is never reported as an outage.
func (c *Client) classify(ctx, callCtx context.Context, op, model string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("llm: %s: %w", op, ctx.Err())
	}
	if callCtx.Err() != nil {
		return fmt.Errorf("llm: %s: %w", op, c.timedOut())
	}

	var se api.StatusError
	if errors.As(err, &se) {
		if model != "" && (se.StatusCode == 404 || isModelNotFound(se.ErrorMessage)) {
			return fmt.Errorf("llm: %s: %w", op, c.notFound(model, err))
		}
		msg := se.ErrorMessage
		if msg == "" {
			msg = se.Status
		}
		var kind error
		if se.StatusCode >= 400 && se.StatusCode < 500 {
			kind = ErrRefused
		}
		return fmt.Errorf("llm: %s: %w", op, &llmError{
			kind:  kind,
			msg:   fmt.Sprintf("ollama error %d: %s", se.StatusCode, msg),
			cause: err,
		})
	}
	var ae api.AuthorizationError
	if errors.As(err, &ae) {
		return fmt.Errorf("llm: %s: %w", op, &llmError{
			msg:   fmt.Sprintf("ollama error %d: %s", ae.StatusCode, ae.Error()),
			cause: err,
		})
	}

	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		return fmt.Errorf("llm: %s: %w", op, c.unavailable(err))
	}
	return fmt.Errorf("llm: %s: %w", op, err)
}

// isModelNotFound recognises Ollama's "model 'x' not found" texts, which some endpoints send with other statuses.
func isModelNotFound(msg string) bool {
	m := strings.ToLower(msg)
	return strings.HasPrefix(m, "model ") && strings.Contains(m, " not found")
}

// isTruncatedLine reports whether err is api.Client's plain error for an NDJSON line that did not parse,
// which is what a connection dropped mid-line looks like: the raw partial JSON becomes the error text.
func isTruncatedLine(err error) bool {
	var se api.StatusError
	if errors.As(err, &se) {
		return false
	}
	s := strings.TrimSpace(err.Error())
	return strings.HasPrefix(s, "{") && !json.Valid([]byte(s))
}
