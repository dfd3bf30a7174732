// Package agent holds the AI agents of a workspace and the answer engine that, for each
// customer message, understands it, retrieves knowledge, decides to answer, clarify or hand
// off, and writes the reply with a model or, without one, from the knowledge itself.
package agent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"agent/app/store"
	"agent/app/usererr"
)

// Role is what an agent is for; it shapes the instructions the model gets.
type Role string

// The roles an agent can have.
const (
	RoleSupport   Role = "support"
	RoleMarketing Role = "marketing"
	RoleSales     Role = "sales"
)

// Roles lists every role in the order the admin shows them.
var Roles = []Role{RoleSupport, RoleMarketing, RoleSales}

// Label is the role's name as shown to people.
func (r Role) Label() string {
	switch r {
	case RoleSupport:
		return "Customer support"
	case RoleMarketing:
		return "Marketing specialist"
	case RoleSales:
		return "Sales representative"
	}
	return string(r)
}

// Personality is the agent's tone of voice.
type Personality string

// The personalities an agent can have; Custom uses the agent's Voice text.
const (
	Friendly     Personality = "friendly"
	Professional Personality = "professional"
	Casual       Personality = "casual"
	Empathetic   Personality = "empathetic"
	Witty        Personality = "witty"
	Custom       Personality = "custom"
)

// Personalities lists every personality in the order the admin shows them.
var Personalities = []Personality{Friendly, Professional, Casual, Empathetic, Witty, Custom}

// Label is the personality's name as shown to people.
func (p Personality) Label() string {
	if p == Custom {
		return "Custom brand voice"
	}
	s := string(p)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Agent is one AI agent of a workspace.
type Agent struct {
	ID          int64
	WorkspaceID int64
	Name        string
	Role        Role
	Personality Personality
	Voice       string  // brand voice text, used when Personality is Custom
	AllSources  bool    // answer from all of the workspace's knowledge
	SourceIDs   []int64 // the chosen sources when AllSources is false
	// RephraseFirst asks the customer once to rephrase before handing off for lack of an answer.
	RephraseFirst bool
	// Trust is how sure the agent must be to answer rather than offer options or hand off.
	Trust     Trust
	Active    bool
	HasAvatar bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Input is what a person submits to create or change an agent.
type Input struct {
	Name          string
	Role          Role
	Personality   Personality
	Voice         string
	AllSources    bool
	SourceIDs     []int64
	RephraseFirst bool
	Trust         Trust // "" is Balanced
	Active        bool
}

// Limits on what an agent's fields may hold.
const (
	maxName   = 80
	maxVoice  = 2000
	MaxAvatar = 512 << 10
)

// Error is a failure fit to show to a person as it is.
type Error = usererr.Error

// InputError is a problem with what a person typed or uploaded, naming the field.
type InputError = usererr.InputError

// Errors callers tell apart with errors.Is.
const (
	ErrNotFound = Error("not found")
	ErrPaused   = Error("this agent is paused")
)

func inputError(field, msg string) error { return &InputError{Field: field, Message: msg} }

// Store reads and changes the agents of every workspace.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

func (in *Input) check() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Voice = strings.TrimSpace(in.Voice)
	switch {
	case in.Name == "":
		return inputError("name", "an agent needs a name")
	case utf8.RuneCountInString(in.Name) > maxName:
		return inputError("name", fmt.Sprintf("keep the name under %d characters", maxName))
	}
	if !valid(Roles, in.Role) {
		return inputError("role", "choose a role")
	}
	if !valid(Personalities, in.Personality) {
		return inputError("personality", "choose a personality")
	}
	if in.Personality == Custom && in.Voice == "" {
		return inputError("voice", "describe the brand voice, or choose another personality")
	}
	if utf8.RuneCountInString(in.Voice) > maxVoice {
		return inputError("voice", fmt.Sprintf("keep the brand voice under %d characters", maxVoice))
	}
	if !in.AllSources && len(in.SourceIDs) == 0 {
		return inputError("sources", "choose at least one source, or let the agent use all knowledge")
	}
	if in.AllSources {
		in.SourceIDs = nil
	}
	if in.Trust == "" {
		in.Trust = TrustBalanced
	}
	if !valid(Trusts, in.Trust) {
		return inputError("trust", "choose how sure the agent must be to answer")
	}
	return nil
}

func valid[T comparable](all []T, v T) bool {
	for _, x := range all {
		if x == v {
			return true
		}
	}
	return false
}

const agentColumns = `id, workspace_id, name, role, personality, voice, all_sources, rephrase_first, trust, active,
	avatar IS NOT NULL, created_at, updated_at`

func scanAgent(row interface{ Scan(...any) error }) (Agent, error) {
	var a Agent
	var created, updated int64
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.Name, &a.Role, &a.Personality, &a.Voice, &a.AllSources,
		&a.RephraseFirst, &a.Trust, &a.Active, &a.HasAvatar, &created, &updated)
	a.CreatedAt, a.UpdatedAt = time.Unix(created, 0), time.Unix(updated, 0)
	return a, err
}

// List returns a workspace's agents by name.
func (s *Store) List(ctx context.Context, workspaceID int64) ([]Agent, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT "+agentColumns+" FROM agents WHERE workspace_id = ? ORDER BY name, id", workspaceID)
	if err != nil {
		return nil, fmt.Errorf("agent: list: %w", err)
	}
	defer rows.Close()
	var as []Agent
	for rows.Next() {
		a, err := scanAgent(rows)
		if err != nil {
			return nil, fmt.Errorf("agent: list: %w", err)
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agent: list: %w", err)
	}
	for i := range as {
		if as[i].SourceIDs, err = s.sourceIDs(ctx, as[i].ID); err != nil {
			return nil, err
		}
	}
	return as, nil
}

// Get returns one agent of a workspace; an agent of another workspace is ErrNotFound.
func (s *Store) Get(ctx context.Context, workspaceID, id int64) (Agent, error) {
	a, err := scanAgent(s.db.Read.QueryRowContext(ctx, "SELECT "+agentColumns+" FROM agents WHERE id = ? AND workspace_id = ?", id, workspaceID))
	if errors.Is(err, sql.ErrNoRows) {
		return Agent{}, ErrNotFound
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: get: %w", err)
	}
	a.SourceIDs, err = s.sourceIDs(ctx, a.ID)
	return a, err
}

// ByName returns the agent of a workspace with that name (any case).
func (s *Store) ByName(ctx context.Context, workspaceID int64, name string) (Agent, error) {
	var id int64
	err := s.db.Read.QueryRowContext(ctx, "SELECT id FROM agents WHERE workspace_id = ? AND name = ?", workspaceID, strings.TrimSpace(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Agent{}, ErrNotFound
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: by name: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

func (s *Store) sourceIDs(ctx context.Context, agentID int64) ([]int64, error) {
	rows, err := s.db.Read.QueryContext(ctx, "SELECT source_id FROM agent_sources WHERE agent_id = ? ORDER BY source_id", agentID)
	if err != nil {
		return nil, fmt.Errorf("agent: sources: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("agent: sources: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Create adds an agent to a workspace.
func (s *Store) Create(ctx context.Context, workspaceID int64, in Input) (Agent, error) {
	return s.put(ctx, workspaceID, 0, in)
}

// Update changes an agent of a workspace.
func (s *Store) Update(ctx context.Context, workspaceID, id int64, in Input) (Agent, error) {
	if _, err := s.Get(ctx, workspaceID, id); err != nil {
		return Agent{}, err
	}
	return s.put(ctx, workspaceID, id, in)
}

func (s *Store) put(ctx context.Context, workspaceID, id int64, in Input) (Agent, error) {
	if err := in.check(); err != nil {
		return Agent{}, err
	}
	now := s.now().Unix()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		ok, err := store.InWorkspace(ctx, tx, "sources", "id", workspaceID, in.SourceIDs)
		if err != nil {
			return err
		}
		if !ok {
			return inputError("sources", "one of the chosen sources is not in this workspace; reload the page and choose again")
		}
		if id == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO agents (workspace_id, name, role, personality, voice, all_sources,
				rephrase_first, trust, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				workspaceID, in.Name, in.Role, in.Personality, in.Voice, in.AllSources, in.RephraseFirst, in.Trust, in.Active, now, now)
			if err != nil {
				return err
			}
			id, err = res.LastInsertId()
			if err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE agents SET name = ?, role = ?, personality = ?, voice = ?, all_sources = ?,
			rephrase_first = ?, trust = ?, active = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`,
			in.Name, in.Role, in.Personality, in.Voice, in.AllSources, in.RephraseFirst, in.Trust, in.Active, now, id, workspaceID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM agent_sources WHERE agent_id = ?", id); err != nil {
			return err
		}
		for _, src := range in.SourceIDs {
			if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO agent_sources (agent_id, source_id) VALUES (?, ?)", id, src); err != nil {
				return err
			}
		}
		return nil
	})
	if store.IsUniqueViolation(err) {
		return Agent{}, inputError("name", "another agent already has this name")
	}
	if err != nil {
		return Agent{}, fmt.Errorf("agent: save: %w", err)
	}
	return s.Get(ctx, workspaceID, id)
}

// SetActive pauses (false) or resumes (true) an agent.
func (s *Store) SetActive(ctx context.Context, workspaceID, id int64, active bool) error {
	res, err := s.db.Write.ExecContext(ctx, "UPDATE agents SET active = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
		active, s.now().Unix(), id, workspaceID)
	return affectedOne("set active", res, err)
}

// Delete removes an agent; its past conversations stay, without it.
func (s *Store) Delete(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "DELETE FROM agents WHERE id = ? AND workspace_id = ?", id, workspaceID)
	return affectedOne("delete", res, err)
}

func affectedOne(op string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("agent: %s: %w", op, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("agent: %s: %w", op, err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// avatarTypes are the image formats accepted as avatars, by sniffed content type.
var avatarTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// SetAvatar stores an uploaded image as the agent's avatar; the format is sniffed from the
// bytes, never taken from the upload's name or header.
func (s *Store) SetAvatar(ctx context.Context, workspaceID, id int64, img []byte) error {
	if len(img) == 0 {
		return inputError("avatar", "the image is empty")
	}
	if len(img) > MaxAvatar {
		return inputError("avatar", fmt.Sprintf("the image is larger than %d KB", MaxAvatar>>10))
	}
	ct := http.DetectContentType(img)
	if !avatarTypes[ct] {
		return inputError("avatar", "use a PNG, JPEG, GIF or WebP image")
	}
	res, err := s.db.Write.ExecContext(ctx, "UPDATE agents SET avatar = ?, avatar_type = ?, updated_at = ? WHERE id = ? AND workspace_id = ?",
		img, ct, s.now().Unix(), id, workspaceID)
	return affectedOne("set avatar", res, err)
}

// RemoveAvatar clears the agent's avatar.
func (s *Store) RemoveAvatar(ctx context.Context, workspaceID, id int64) error {
	res, err := s.db.Write.ExecContext(ctx, "UPDATE agents SET avatar = NULL, avatar_type = '', updated_at = ? WHERE id = ? AND workspace_id = ?",
		s.now().Unix(), id, workspaceID)
	return affectedOne("remove avatar", res, err)
}

// Avatar returns the agent's avatar image and its content type; ErrNotFound when it has none.
func (s *Store) Avatar(ctx context.Context, workspaceID, id int64) ([]byte, string, error) {
	var img []byte
	var ct string
	err := s.db.Read.QueryRowContext(ctx, "SELECT avatar, avatar_type FROM agents WHERE id = ? AND workspace_id = ? AND avatar IS NOT NULL",
		id, workspaceID).Scan(&img, &ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", ErrNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("agent: avatar: %w", err)
	}
	return img, ct, nil
}
