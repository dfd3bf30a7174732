// Package knowledge holds what the AI agents answer from: sources (articles written in the
// app, uploaded files, web pages, short answers), the chunks they are split into along
// headings, and the search over them (SQLite FTS5 with BM25, fused with vectors when an
// embedding model is configured).
package knowledge

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"agent/app/fetch"
	"agent/app/knowledge/extract"
	"agent/app/llm"
	"agent/app/store"
	"agent/app/usererr"
)

// Kind is what a source is.
type Kind string

// The kinds of source.
const (
	KindArticle     Kind = "article"
	KindFile        Kind = "file"
	KindURL         Kind = "url"
	KindShortAnswer Kind = "short_answer"
)

// Kinds lists every kind, in the order the admin shows them.
var Kinds = []Kind{KindArticle, KindFile, KindURL, KindShortAnswer}

// Label is the kind's name as shown to people.
func (k Kind) Label() string {
	switch k {
	case KindArticle:
		return "Article"
	case KindFile:
		return "File"
	case KindURL:
		return "Web page"
	case KindShortAnswer:
		return "Short answer"
	}
	return string(k)
}

// Status is where a source is in its life: waiting to be fetched, searchable, or failed.
type Status string

// The statuses of a source.
const (
	StatusPending Status = "pending"
	StatusReady   Status = "ready"
	StatusError   Status = "error"
)

// Source is one piece of knowledge as the admin manages it.
type Source struct {
	ID           int64
	WorkspaceID  int64
	Kind         Kind
	Title        string
	Lang         string
	Status       Status
	Error        string
	Body         string   // article: Markdown; short answer: the answer
	Question     string   // short answer
	Variants     []string // short answer: other ways to ask
	URL          string
	Filename     string
	ContentType  string
	Size         int64
	ContentHash  string
	ETag         string
	LastModified string
	CrawlID      int64
	ExternalID   string
	// Preset names the preset short answer this is, until someone edits it (presets.go).
	Preset     string
	ChunkCount int
	// EmbedFailed is how many of its chunks the embedding model refused (List only): they
	// are found by their words, not by meaning, until the model or the text changes.
	EmbedFailed int
	SyncedAt    time.Time // zero when never synced
	NextSyncAt  time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Chunk is a piece of a source small enough to quote: a section under one heading path.
type Chunk struct {
	ID       int64
	SourceID int64
	Ord      int
	Heading  string // heading path joined with " › "
	Anchor   string
	Lang     string
	Text     string
}

// Error is a failure fit to show to a person as it is.
type Error = usererr.Error

// Errors callers tell apart with errors.Is.
const (
	ErrNotFound = Error("not found")
)

// InputError is a problem with what a person typed or uploaded, naming the field.
type InputError = usererr.InputError

func inputError(field, msg string) error { return &InputError{Field: field, Message: msg} }

// Options configure a Manager.
type Options struct {
	DB     *store.DB
	Logger *slog.Logger
	// LLM embeds chunks when it has an embedding model; nil or without one, search is
	// keyword only.
	LLM *llm.Client
	// Fetch reaches URL sources; nil disables URL sources (eval, tests).
	Fetch *fetch.Client
	// MaxFileBytes bounds an uploaded file.
	MaxFileBytes int64
	// SyncEvery is how often URL sources are re-fetched; 0 disables scheduled syncs.
	SyncEvery time.Duration
	// CrawlMaxPages is the default page cap of a crawl.
	CrawlMaxPages int
	// MaxChunksPerSource bounds the chunks of one file, page or article (5,000 when 0).
	MaxChunksPerSource int
}

// Manager reads and changes the knowledge of every workspace.
type Manager struct {
	db   *store.DB
	log  *slog.Logger
	llm  *llm.Client
	web  *fetch.Client
	opts Options
	now  func() time.Time

	vectors  vectorCache
	embedCtx embedContextCache
	stats    *statsCache
	phrases  phraseCache
	index    indexState
	wakeup   chan struct{}
	mu       sync.Mutex
	running  map[int64]context.CancelFunc // crawls in progress, for cancelling
	// extracting holds a token for each extraction running (see extract).
	extracting chan struct{}

	// queryEmbedFailures counts searches that went on with keywords alone because the
	// question could not be embedded.
	queryEmbedFailures atomic.Int64
	queryEmbedDown     atomic.Bool // the last question could not be embedded: logged once
}

// New returns a Manager.
func New(o Options) *Manager {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = 20 << 20
	}
	if o.CrawlMaxPages <= 0 {
		o.CrawlMaxPages = 200
	}
	if o.MaxChunksPerSource <= 0 {
		o.MaxChunksPerSource = 5000
	}
	return &Manager{db: o.DB, log: o.Logger, llm: o.LLM, web: o.Fetch, opts: o, now: time.Now,
		wakeup: make(chan struct{}, 1), running: map[int64]context.CancelFunc{}, stats: &statsCache{db: o.DB},
		extracting: make(chan struct{}, maxExtractions)}
}

// maxExtractions is how many files, pages and articles are read at once. Reading one
// may take a core and up to some 100 MB for seconds (extract's bounds), so uploads,
// syncs and crawls that come together wait for their turn rather than add up.
const maxExtractions = 2

// extract runs one extraction when its turn comes, or gives up when ctx ends first.
// Every extraction goes through it.
func (m *Manager) extract(ctx context.Context, read func(context.Context) (extract.Document, error)) (extract.Document, error) {
	select {
	case m.extracting <- struct{}{}:
	case <-ctx.Done():
		return extract.Document{}, fmt.Errorf("knowledge: waiting to extract: %w", context.Cause(ctx))
	}
	defer func() { <-m.extracting }()
	return read(ctx)
}
