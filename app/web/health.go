package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"agent/app/llm"
)

// healthReport is the body of GET /healthz.
type healthReport struct {
	// Status is "ok"; "warning" when the disk runs low; "error" (HTTP 503) when the
	// database cannot be written or the disk is full.
	Status   string      `json:"status"`
	Version  string      `json:"version"`
	Database string      `json:"database"`
	Disk     diskHealth  `json:"disk"`
	Model    modelHealth `json:"model"`
}

// diskHealth is the room left for the data (data.dir's file system).
type diskHealth struct {
	FreeBytes    uint64 `json:"free_bytes"`
	MinFreeBytes uint64 `json:"min_free_bytes"` // server.min_free_mb
	Low          bool   `json:"low"`            // below MinFreeBytes
	Full         bool   `json:"full"`           // below diskFull: writes fail
	Error        string `json:"error,omitempty"`
}

type modelHealth struct {
	Reachable       bool   `json:"reachable"`
	URL             string `json:"url"`
	Version         string `json:"version,omitempty"`
	ChatModel       string `json:"chat_model,omitempty"`
	ChatModelFound  bool   `json:"chat_model_found"`
	EmbedModel      string `json:"embed_model,omitempty"`
	EmbedModelFound bool   `json:"embed_model_found"`
	// EmbedError is why the last embedding failed, when none succeeded since: questions
	// were searched by their words alone.
	EmbedError string `json:"embed_error,omitempty"`
	Mode       string `json:"mode"` // "model" or "extractive"
	Error      string `json:"error,omitempty"`
}

// health reports whether the database can be written, how much room the disk has left
// and whether Ollama is reachable. Only the database and the disk decide the status
// code: without a model the product still answers (extractive mode).
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	rep := healthReport{Status: "ok", Version: s.version, Database: "ok", Disk: s.diskHealth(true)}
	status := http.StatusOK
	if rep.Disk.Low {
		rep.Status = "warning"
	}
	if err := s.db.PingWrite(ctx); err != nil {
		s.log.Error("health: database", "err", err)
		rep.Status, rep.Database, status = "error", "error: "+err.Error(), http.StatusServiceUnavailable
	}
	if rep.Disk.Full || rep.Disk.Error != "" {
		s.log.Error("health: disk", "free_bytes", rep.Disk.FreeBytes, "err", rep.Disk.Error)
		rep.Status, status = "error", http.StatusServiceUnavailable
	}
	h := s.llm.Health(ctx)
	s.model.remember(ctx, h)
	rep.Model = modelHealth{
		Reachable: h.Reachable, URL: s.llm.URL(), Version: h.Version,
		ChatModel: h.ChatModel, ChatModelFound: h.ChatModelFound,
		EmbedModel: h.EmbedModel, EmbedModelFound: h.EmbedModelFound, EmbedError: h.EmbedError,
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

// diskFull is the free space below which the disk counts as full: SQLite may still take
// a small write in WAL pages already on disk, but not one that needs room.
const diskFull = 1 << 20

// diskCacheFor is how long the admin trusts the last look at the disk, so that pages
// ask the file system at most once per interval.
const diskCacheFor = 30 * time.Second

// diskCache holds the last look at the disk.
type diskCache struct {
	mu     sync.Mutex
	at     time.Time
	health diskHealth
}

// diskHealth looks at the room data.dir has left: afresh, or when the last look is
// older than diskCacheFor.
func (s *Server) diskHealth(fresh bool) diskHealth {
	c := &s.disk
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && !c.at.IsZero() && time.Since(c.at) < diskCacheFor {
		return c.health
	}
	minFree := uint64(s.cfg.Server.MinFreeMB) << 20
	h := diskHealth{MinFreeBytes: minFree}
	free, err := s.freeSpace(s.cfg.Data.Dir)
	if err != nil {
		h.Error = err.Error()
	} else {
		h.FreeBytes, h.Low, h.Full = free, free < minFree, free < diskFull
	}
	c.at, c.health = time.Now(), h
	return h
}

// diskWarning is what owners and admins are told when the disk runs low, or "".
func (s *Server) diskWarning() string {
	h := s.diskHealth(false)
	if !h.Low {
		return ""
	}
	return fmt.Sprintf("The disk that holds the data has %d MB free, less than the %d MB set in server.min_free_mb. "+
		"When it is full, nothing can be saved: no messages, no replies. Free some space or add more.", h.FreeBytes>>20, h.MinFreeBytes>>20)
}

// modelCacheFor is how long the admin trusts the language model's last health check, so
// that pages which mention it cost at most one check (of up to 3s) per interval.
const modelCacheFor = 30 * time.Second

// modelCache holds the language model's last health check.
type modelCache struct {
	mu     sync.Mutex
	at     time.Time
	health llm.Health
	warned string // the error last logged, so that each is logged once, not on every page
}

// firstSeen reports whether err (the model's health error, "" when healthy) differs from
// the last one seen, and remembers it.
func (c *modelCache) firstSeen(err string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	changed := err != c.warned
	c.warned = err
	return changed
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
