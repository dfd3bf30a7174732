package meta

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Graph is a client of Meta's Graph API at a base URL and version (config's [meta]).
type Graph struct {
	BaseURL string // "https://graph.facebook.com"
	Version string // "v25.0"
	HTTP    *http.Client
}

// maxResponse bounds what is read of one Graph API answer.
const maxResponse = 1 << 20

// APIError is the Graph API's error envelope: {"error": {"message", "type", "code",
// "error_subcode", "error_data": {"details"}, "fbtrace_id"}}, with the HTTP status.
type APIError struct {
	Status  int    `json:"-"`
	Message string `json:"message"`
	Type    string `json:"type"`
	Code    int    `json:"code"`
	Subcode int    `json:"error_subcode"`
	Data    struct {
		Details string `json:"details"`
	} `json:"error_data"`
	TraceID string `json:"fbtrace_id"`
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Meta answered %d: (#%d) %s", e.Status, e.Code, e.Message)
	if e.Data.Details != "" && !strings.Contains(e.Message, e.Data.Details) {
		s += ": " + e.Data.Details
	}
	return s
}

// temporaryCodes are Graph API error codes that another try may pass: unknown and
// service errors, and the rate limits (application, page, account, pair).
var temporaryCodes = []int{1, 2, 4, 17, 32, 341, 613, 80006, 80007, 130429, 131000, 131016, 131056}

// Temporary reports whether trying again later may succeed: a server error, 429, or a
// rate limit or service error by its code. Anything else (a closed window, a bad token,
// a blocked number) fails the same way again.
func (e *APIError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || slices.Contains(temporaryCodes, e.Code)
}

// IsTemporary reports whether a Graph API call's error may pass when tried again: a
// network failure or a temporary APIError.
func IsTemporary(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return api.Temporary()
	}
	return err != nil
}

func (g *Graph) client() *http.Client {
	if g.HTTP != nil {
		return g.HTTP
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// URL is the API's address of path (without the version): "123/messages".
func (g *Graph) URL(path string) string {
	return strings.TrimRight(g.BaseURL, "/") + "/" + g.Version + "/" + strings.TrimLeft(path, "/")
}

// Post sends body as JSON to path with the token, and decodes the answer into out.
func (g *Graph) Post(ctx context.Context, path, token string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("meta: %s: %w", path, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL(path), bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("meta: %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	return g.do(req, token, out)
}

// Get reads path with the query and the token, and decodes the answer into out.
func (g *Graph) Get(ctx context.Context, path, token string, query url.Values, out any) error {
	u := g.URL(path)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("meta: %s: %w", path, err)
	}
	return g.do(req, token, out)
}

func (g *Graph) do(req *http.Request, token string, out any) error {
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := g.client().Do(req)
	if err != nil {
		return fmt.Errorf("meta: %s: %w", req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("meta: %s: %w", req.URL.Path, err)
	}
	if res.StatusCode/100 != 2 {
		var env struct {
			Error *APIError `json:"error"`
		}
		if json.Unmarshal(body, &env) != nil || env.Error == nil {
			env.Error = &APIError{Message: http.StatusText(res.StatusCode)}
		}
		env.Error.Status = res.StatusCode
		return env.Error
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("meta: %s: the answer is not JSON: %w", req.URL.Path, err)
	}
	return nil
}
