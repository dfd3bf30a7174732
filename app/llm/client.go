// Package llm is the product's only way to talk to the local Ollama server, so that timeouts,
// streaming and error reporting (sentinel errors with operator-readable messages) live in one place.
package llm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// embedKeepAlive is how long Ollama keeps the embedding model loaded after each request.
// Every customer's question is embedded within a short deadline (knowledge); a model that
// Ollama unloaded after its default five idle minutes takes longer than that to load, so
// the first questions after a quiet spell would go without meaning.
const embedKeepAlive = time.Hour

// defaultTimeout bounds one Chat/Embed call when Options.Timeout is zero; local models can be slow to load.
const defaultTimeout = 2 * time.Minute

// Options configure the client; they usually come from the product's settings.
type Options struct {
	URL        string        // Ollama base URL, e.g. http://127.0.0.1:11434
	ChatModel  string        // default model for Chat; "" means no chat model configured
	EmbedModel string        // default model for Embed; "" means none
	Timeout    time.Duration // bound on one whole Chat/Embed/Models call (0 => 2m)
}

// Client talks to one Ollama server through github.com/ollama/ollama/api; it is safe for concurrent use.
type Client struct {
	api        *api.Client
	url        string
	chatModel  string
	embedModel string
	timeout    time.Duration

	embedMu     sync.Mutex
	embedFailed error // the last Embed failure since the last success, for Health
}

// New checks opts and builds a Client; it does not contact Ollama (use Health for that).
func New(opts Options) (*Client, error) {
	raw := strings.TrimSpace(opts.URL)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("llm: invalid ollama URL %q: %w", opts.URL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("llm: invalid ollama URL %q: want an absolute http:// or https:// URL such as http://127.0.0.1:11434", opts.URL)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	// A private transport keeps this client's connection pool apart from http.DefaultClient's;
	// no http.Client.Timeout because every call is bounded by its context instead.
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	return &Client{
		api:        api.NewClient(u, hc),
		url:        strings.TrimRight(u.String(), "/"),
		chatModel:  strings.TrimSpace(opts.ChatModel),
		embedModel: strings.TrimSpace(opts.EmbedModel),
		timeout:    timeout,
	}, nil
}

// URL returns the Ollama base URL, for logs and the settings page.
func (c *Client) URL() string { return c.url }

// ChatModel returns the default chat model ("" if none), for display and health checks.
func (c *Client) ChatModel() string { return c.chatModel }

// EmbedModel returns the default embedding model ("" if none), for display and health checks.
func (c *Client) EmbedModel() string { return c.embedModel }

// Message is one turn of a conversation; Role is "system", "user" or "assistant".
type Message struct {
	Role    string
	Content string
}

// ChatRequest is what the product asks the model; zero values fall back to Options.
type ChatRequest struct {
	Model       string    // "" => Options.ChatModel; both empty => ErrNoModel
	Messages    []Message // the conversation so far, oldest first
	Temperature *float64  // optional sampling temperature, sent as the "temperature" option
}

// ChatResult is the full answer plus the usage numbers shown to operators.
type ChatResult struct {
	Content          string        // the whole assistant message
	Model            string        // model that answered, as reported by Ollama
	PromptTokens     int           // Ollama's prompt_eval_count
	CompletionTokens int           // Ollama's eval_count
	Duration         time.Duration // wall time of the call
}

// Chat asks the model for the next assistant message. With onToken set it streams and calls onToken
// for each piece of text as it arrives; with onToken nil it makes one non-streaming request.
// If onToken returns an error, the stream is abandoned and that error is returned as is.
// A stream that ends without Ollama's final message returns the partial result and ErrStreamCut.
func (c *Client) Chat(ctx context.Context, req ChatRequest, onToken func(token string) error) (ChatResult, error) {
	start := time.Now()
	model := req.Model
	if model == "" {
		model = c.chatModel
	}
	if model == "" {
		return ChatResult{}, fmt.Errorf("llm: chat: %w: no model given and no default chat model set (Options.ChatModel)", ErrNoModel)
	}
	op := "chat " + model

	stream := onToken != nil
	areq := &api.ChatRequest{
		Model:    model,
		Messages: make([]api.Message, len(req.Messages)),
		Stream:   &stream,
	}
	for i, m := range req.Messages {
		areq.Messages[i] = api.Message{Role: m.Role, Content: m.Content}
	}
	if req.Temperature != nil {
		areq.Options = map[string]any{"temperature": *req.Temperature}
	}

	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	var (
		res     = ChatResult{Model: model}
		content strings.Builder
		done    bool
		tokens  int
		cbErr   error
	)
	err := c.api.Chat(callCtx, areq, func(r api.ChatResponse) error {
		if r.Model != "" {
			res.Model = r.Model
		}
		if tok := r.Message.Content; tok != "" {
			content.WriteString(tok)
			tokens++
			if onToken != nil {
				if err := onToken(tok); err != nil {
					cbErr = err
					return err
				}
			}
		}
		if r.Done {
			done = true
			res.PromptTokens = r.PromptEvalCount
			res.CompletionTokens = r.EvalCount
		}
		return nil
	})
	res.Content = content.String()
	res.Duration = time.Since(start)

	switch {
	case cbErr != nil:
		return res, cbErr
	case err == nil && done:
		return res, nil
	case ctx.Err() != nil || callCtx.Err() != nil:
		// api.Client swallows read errors, so a cancelled or timed-out stream can look like a clean end.
		return res, c.classify(ctx, callCtx, op, model, err)
	case err == nil || isTruncatedLine(err):
		// api.Client ignores scanner.Err(): a dropped connection ends the stream silently,
		// or hands back the half-received JSON line as a plain error.
		return res, fmt.Errorf("llm: %s: %w", op, &llmError{
			kind:  ErrStreamCut,
			msg:   fmt.Sprintf("stream from ollama at %s ended after %d token(s) without the final message", c.url, tokens),
			cause: err,
		})
	default:
		return res, c.classify(ctx, callCtx, op, model, err)
	}
}

// Embed returns one vector per input, in order, for semantic search; model "" => Options.EmbedModel.
// Ollama is asked to keep the model loaded (embedKeepAlive) and never to cut an input
// silently: one longer than the model's context is refused (ErrRefused), so the caller
// must keep inputs within ContextLength. A failure other than the caller's cancelling is
// remembered until the next success and shown by Health.
func (c *Client) Embed(ctx context.Context, model string, inputs []string) ([][]float32, error) {
	if model == "" {
		model = c.embedModel
	}
	if model == "" {
		return nil, fmt.Errorf("llm: embed: %w: no model given and no default embedding model set (Options.EmbedModel)", ErrNoModel)
	}
	if len(inputs) == 0 {
		return [][]float32{}, nil
	}
	vecs, err := c.embed(ctx, model, inputs)
	if !errors.Is(err, context.Canceled) {
		c.embedMu.Lock()
		c.embedFailed = err
		c.embedMu.Unlock()
	}
	return vecs, err
}

func (c *Client) embed(ctx context.Context, model string, inputs []string) ([][]float32, error) {
	op := "embed " + model
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	truncate := false
	resp, err := c.api.Embed(callCtx, &api.EmbedRequest{Model: model, Input: inputs,
		KeepAlive: &api.Duration{Duration: embedKeepAlive}, Truncate: &truncate})
	if err != nil {
		return nil, c.classify(ctx, callCtx, op, model, err)
	}
	if len(resp.Embeddings) != len(inputs) {
		return nil, fmt.Errorf("llm: %s: ollama at %s returned %d embeddings for %d inputs", op, c.url, len(resp.Embeddings), len(inputs))
	}
	return resp.Embeddings, nil
}

// ContextLength is how many tokens model takes in one input, as Ollama's /api/show
// reports it ("<architecture>.context_length"); 0 when it does not say.
func (c *Client) ContextLength(ctx context.Context, model string) (int, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	resp, err := c.api.Show(callCtx, &api.ShowRequest{Model: model})
	if err != nil {
		return 0, c.classify(ctx, callCtx, "show "+model, model, err)
	}
	arch, _ := resp.ModelInfo["general.architecture"].(string)
	if n, ok := resp.ModelInfo[arch+".context_length"].(float64); ok && n > 0 {
		return int(n), nil
	}
	return 0, nil
}

// Model describes one installed model, for the settings page's model picker.
type Model struct {
	Name          string    // e.g. "llama3.2:latest"
	Size          int64     // bytes on disk
	ModifiedAt    time.Time // when it was pulled or changed
	Family        string    // e.g. "llama"
	ParameterSize string    // e.g. "3.2B"
	Quantization  string    // e.g. "Q4_K_M"
}

// Models lists the models installed in Ollama (GET /api/tags), newest first as Ollama orders them.
func (c *Client) Models(ctx context.Context) ([]Model, error) {
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.models(ctx, callCtx, "models")
}

// models is Models with the deadline already applied, shared with Health.
func (c *Client) models(ctx, callCtx context.Context, op string) ([]Model, error) {
	lr, err := c.api.List(callCtx)
	if err != nil {
		return nil, c.classify(ctx, callCtx, op, "", err)
	}
	out := make([]Model, 0, len(lr.Models))
	for _, m := range lr.Models {
		out = append(out, Model{
			Name:          m.Name,
			Size:          m.Size,
			ModifiedAt:    m.ModifiedAt,
			Family:        m.Details.Family,
			ParameterSize: m.Details.ParameterSize,
			Quantization:  m.Details.QuantizationLevel,
		})
	}
	return out, nil
}
