package web

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"agent/app/llm"
)

// healthReport is the body of GET /healthz.
type healthReport struct {
	Status   string      `json:"status"` // "ok", or "error" when the database fails
	Version  string      `json:"version"`
	Database string      `json:"database"`
	Model    modelHealth `json:"model"`
}

type modelHealth struct {
	Reachable       bool   `json:"reachable"`
	URL             string `json:"url"`
	Version         string `json:"version,omitempty"`
	ChatModel       string `json:"chat_model,omitempty"`
	ChatModelFound  bool   `json:"chat_model_found"`
	EmbedModel      string `json:"embed_model,omitempty"`
	EmbedModelFound bool   `json:"embed_model_found"`
	Mode            string `json:"mode"` // "model" or "extractive"
	Error           string `json:"error,omitempty"`
}

// health reports whether the database answers and whether Ollama is reachable. Only the
// database decides the status code: without a model the product still answers
// (extractive mode).
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	rep := healthReport{Status: "ok", Version: s.version, Database: "ok"}
	status := http.StatusOK
	if err := s.db.Ping(ctx); err != nil {
		s.log.Error("health: database", "err", err)
		rep.Status, rep.Database, status = "error", "error: "+err.Error(), http.StatusServiceUnavailable
	}
	h := s.llm.Health(ctx)
	s.model.remember(ctx, h)
	rep.Model = modelHealth{
		Reachable: h.Reachable, URL: s.llm.URL(), Version: h.Version,
		ChatModel: h.ChatModel, ChatModelFound: h.ChatModelFound,
		EmbedModel: h.EmbedModel, EmbedModelFound: h.EmbedModelFound,
		Mode: "extractive", Error: h.Error,
	}
	if h.Reachable && h.ChatModelFound {
		rep.Model.Mode = "model"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(rep)
}

// modelCacheFor is how long the admin trusts the language model's last health check, so
// that pages which mention it cost at most one check (of up to 3s) per interval.
const modelCacheFor = 30 * time.Second

// modelCache holds the language model's last health check.
type modelCache struct {
	mu     sync.Mutex
	at     time.Time
	health llm.Health
}

// modelHealth is whether Ollama answers and has the chat model, checked at most once per
// modelCacheFor; without a client it is the health of "no model configured".
func (s *Server) modelHealth(ctx context.Context) llm.Health {
	if s.llm == nil {
		return llm.Health{}
	}
	c := &s.model
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < modelCacheFor {
		return c.health
	}
	h := s.llm.Health(ctx)
	c.rememberLocked(ctx, h)
	return h
}

// remember keeps a health check made elsewhere (GET /healthz).
func (c *modelCache) remember(ctx context.Context, h llm.Health) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rememberLocked(ctx, h)
}

func (c *modelCache) rememberLocked(ctx context.Context, h llm.Health) {
	if ctx.Err() == nil { // a request that went away says nothing about the model
		c.at, c.health = time.Now(), h
	}
}
