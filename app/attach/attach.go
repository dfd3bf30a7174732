// Package attach keeps the files that come with messages on every channel: an email's
// attachments and inline images, later WhatsApp and Messenger media and the widget's
// uploads. A file is stored for a message of a workspace, read back only within that
// workspace, and listed with its message.
//
// The bytes live in the SQLite database (attachment_blobs), not in files beside it:
//   - a file is written in the transaction that stores its message, so a crash keeps both
//     or neither, and a message fetched again (an email's Message-ID, a webhook's message id)
//     is recognised without leaving a file behind;
//   - a deleted message, conversation, channel or workspace takes its files with it by the
//     foreign keys' cascade, and a trigger deletes a content when its last attachment goes,
//     so nothing is left over for a sweeper to find;
//   - `agent backup` (VACUUM INTO) copies one consistent file that holds everything.
//
// The cost is a larger database: files are bounded (MaxSize each, and the channels bound a
// message's count and total), and SQLite reads a blob of a few megabytes about as fast as
// a file system does. Contents are addressed by SHA-256 and kept once, because the same
// logo comes with every mail of a thread.
//
// What a file is comes from its bytes (TypeOf), never from the sender's word alone: the
// inbox shows a file as an image only when its bytes are one.
package attach

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"agent/app/store"
	"agent/app/usererr"
)

// MaxSize is the most bytes one file may have; a larger one is recorded without its bytes.
const MaxSize = 10 << 20

// ErrNotFound is a file (or message) that is not the workspace's.
const ErrNotFound = usererr.Error("not found")

// File is a file to store with a message, as the channel received it.
type File struct {
	Name         string // as the sender named it; CleanName is applied
	DeclaredType string // the sender's Content-Type: a hint where the bytes cannot tell (TypeOf)
	ContentID    string // an inline part's Content-ID, without angle brackets
	Inline       bool   // shown within the message's text (an HTML mail's cid: image)
	Data         []byte
	// Omitted, when set, records the file without its bytes, saying why (the channel's own
	// limits: "more than 20 files in one mail"); Size then says how large it was.
	Omitted string
	Size    int64
}

// Attachment is a stored file's record.
type Attachment struct {
	ID             int64
	WorkspaceID    int64
	MessageID      int64
	ConversationID int64 // the message's
	Name           string
	ContentType    string // what the bytes are (TypeOf)
	Size           int64
	SHA256         string // hex; "" when not kept
	ContentID      string
	Inline         bool
	Omitted        string // why the bytes were not kept; "" when they were
	CreatedAt      time.Time
}

// Kept is whether the file's bytes are stored (and can be downloaded).
func (a Attachment) Kept() bool { return a.Omitted == "" }

// Image is whether a browser may show the file as an image (see Viewable).
func (a Attachment) Image() bool { return a.Kept() && Viewable(a.ContentType) }

// Store keeps and reads attachments.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store over db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

// Add stores f for message messageID of the workspace within tx, the transaction that
// stores the message (or any other), so the file is kept with it or not at all. A file over
// MaxSize is recorded without its bytes, as one the caller marks Omitted. A message that is
// not the workspace's is ErrNotFound.
func (s *Store) Add(ctx context.Context, tx *sql.Tx, workspaceID, messageID int64, f File) (Attachment, error) {
	a := Attachment{WorkspaceID: workspaceID, MessageID: messageID, Name: CleanName(f.Name), ContentID: strings.Trim(f.ContentID, "<> "),
		Inline: f.Inline, Omitted: f.Omitted, Size: f.Size, CreatedAt: s.now()}
	if a.Omitted == "" {
		a.Size = int64(len(f.Data))
		if a.Size > MaxSize {
			a.Omitted = "larger than " + strconv.Itoa(MaxSize>>20) + " MB"
		}
	}
	err := tx.QueryRowContext(ctx, "SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ? AND c.workspace_id = ?",
		messageID, workspaceID).Scan(&a.ConversationID)
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, ErrNotFound
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("attach: store %s: %w", a.Name, err)
	}
	var sum []byte
	if a.Omitted == "" {
		a.ContentType = TypeOf(f.Data, f.DeclaredType)
		h := sha256.Sum256(f.Data)
		sum, a.SHA256 = h[:], hex.EncodeToString(h[:])
		if _, err := tx.ExecContext(ctx, "INSERT INTO attachment_blobs (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING", sum, f.Data); err != nil {
			return Attachment{}, fmt.Errorf("attach: store %s: %w", a.Name, err)
		}
	} else {
		a.ContentType = TypeOf(nil, f.DeclaredType) // a name for the type only: no bytes are served
		a.Inline = false
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO attachments (workspace_id, message_id, name, content_type, size, sha256, content_id, inline, omitted, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		workspaceID, messageID, a.Name, a.ContentType, a.Size, sum, a.ContentID, a.Inline, a.Omitted, a.CreatedAt.Unix())
	if err == nil {
		a.ID, err = res.LastInsertId()
	}
	if err != nil {
		return Attachment{}, fmt.Errorf("attach: store %s: %w", a.Name, err)
	}
	return a, nil
}

// selectFrom reads an attachment's columns, in scan's order.
const selectFrom = "SELECT a.id, a.workspace_id, a.message_id, m.conversation_id, a.name, a.content_type, a.size, COALESCE(hex(a.sha256), ''), a.content_id, a.inline, a.omitted, a.created_at FROM attachments a JOIN messages m ON m.id = a.message_id "

func scan(row interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	var created int64
	err := row.Scan(&a.ID, &a.WorkspaceID, &a.MessageID, &a.ConversationID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.ContentID, &a.Inline, &a.Omitted, &created)
	a.SHA256 = strings.ToLower(a.SHA256)
	a.CreatedAt = time.Unix(created, 0)
	return a, err
}

// Open reads attachment id of the workspace with its bytes; another workspace's, or one
// whose bytes were not kept, is ErrNotFound.
func (s *Store) Open(ctx context.Context, workspaceID, id int64) (Attachment, []byte, error) {
	a, err := scan(s.db.Read.QueryRowContext(ctx, selectFrom+"WHERE a.id = ? AND a.workspace_id = ?", id, workspaceID))
	var data []byte
	if err == nil {
		// a content deleted in between (its message with it) is not found
		err = s.db.Read.QueryRowContext(ctx, "SELECT data FROM attachment_blobs WHERE sha256 = unhex(?)", a.SHA256).Scan(&data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, nil, ErrNotFound
	}
	if err != nil {
		return Attachment{}, nil, fmt.Errorf("attach: open %d: %w", id, err)
	}
	return a, data, nil
}

// List is the attachments of message messageID of the workspace, in the order stored.
func (s *Store) List(ctx context.Context, workspaceID, messageID int64) ([]Attachment, error) {
	return s.list(ctx, selectFrom+"WHERE a.message_id = ? AND a.workspace_id = ? ORDER BY a.id", messageID, workspaceID)
}

// OfConversation is the attachments of every message of a conversation of the workspace,
// by message id: what its page shows, in one query.
func (s *Store) OfConversation(ctx context.Context, workspaceID, conversationID int64) (map[int64][]Attachment, error) {
	all, err := s.list(ctx, selectFrom+`WHERE m.conversation_id = ? AND a.workspace_id = ? ORDER BY a.id`, conversationID, workspaceID)
	if err != nil {
		return nil, err
	}
	by := map[int64][]Attachment{}
	for _, a := range all {
		by[a.MessageID] = append(by[a.MessageID], a)
	}
	return by, nil
}

func (s *Store) list(ctx context.Context, q string, args ...any) ([]Attachment, error) {
	rows, err := s.db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("attach: list: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("attach: list: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attach: list: %w", err)
	}
	return out, nil
}
