package gaps

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"agent/app/knowledge"
	"agent/app/webhook"
)

// Grouping (docs/REPORTS.md, Knowledge gaps): a new question joins the topic it is most
// similar to, or starts one. Words first: the cosine between the question's terms and the
// topic's terms weighted by how many of its questions hold each. Then, when an embedding
// model is set and the workspace's short answers calibrate it, meaning: the cosine
// between the question's vector and the sum of the topic's, at the workspace's cut.
const (
	// joinWords is the word cosine from which a question joins a topic, sharing at least
	// two terms with it (one, for a question of one term): two questions of three terms
	// sharing two (0.67) are alike; of two sharing one (0.5), not ("return a bike", "rent
	// a bike").
	joinWords = 0.55
	// meaningTopics bounds the topics compared by meaning with each new question: the
	// most recently asked ones.
	meaningTopics = 1000
)

// errRecorded rolls back the recording of a message recorded since it was looked up.
var errRecorded = errors.New("gaps: recorded already")

// Record stores one question the agent could not answer, in the topic it is most similar
// to or a new one, unless its message is already recorded. It is the one place a gap is
// created: OnCreated is told of each new open gap. A question asked as one dismissed
// before (Key) is recorded dismissed; one joining a dismissed topic too. Resolved topics
// take no new questions: the agent failed again, which is a gap of its own.
func (b *Book) Record(ctx context.Context, q Question) (Gap, bool, error) {
	q.Text = strings.TrimSpace(q.Text)
	g := Gap{Question: q, Status: Open}
	var exists int
	if err := b.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM gaps WHERE message_id = ?", q.MessageID).Scan(&exists); err != nil {
		return g, false, fmt.Errorf("gaps: record: %w", err)
	}
	if exists > 0 || q.Text == "" {
		return g, false, nil
	}
	key := Key(q.Text)
	terms := termsOf(q.Text)
	vec, cut, stamp, embedded := b.knowledge.QuestionVector(ctx, q.WorkspaceID, q.Text)
	topic, status, err := b.match(ctx, q.WorkspaceID, key, terms, vec, cut, stamp, embedded)
	if err != nil {
		return g, false, err
	}
	var dismissed int
	if err := b.db.Read.QueryRowContext(ctx, "SELECT COUNT(*) FROM gap_dismissed WHERE workspace_id = ? AND key = ?",
		q.WorkspaceID, key).Scan(&dismissed); err != nil {
		return g, false, fmt.Errorf("gaps: record: %w", err)
	}
	if dismissed > 0 || status == Dismissed {
		g.Status = Dismissed
	}
	created := false
	err = b.db.Tx(ctx, func(tx *sql.Tx) error {
		now := q.AskedAt.Unix()
		if topic == 0 {
			// Open even for a question dismissed before: questions like it in other words
			// that join it still come.
			if err := tx.QueryRowContext(ctx, `INSERT INTO gap_topics (workspace_id, title, status, created_at) VALUES (?, ?, 'open', ?)
				RETURNING id`, q.WorkspaceID, q.Text, now).Scan(&topic); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO gaps (workspace_id, topic_id, conversation_id, message_id, question, key, cause, reason,
			lang, status, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
			q.WorkspaceID, topic, q.ConversationID, q.MessageID, q.Text, key, q.Cause, q.Reason, q.Lang, g.Status, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errRecorded // recorded meanwhile: nothing of this one is kept
		}
		created = true
		g.ID, _ = res.LastInsertId()
		g.TopicID = topic
		if g.Status == Open {
			if err := webhook.Record(ctx, tx, q.AskedAt, q.WorkspaceID, webhook.KnowledgeGapCreated, g.ID); err != nil {
				return err
			}
		}
		norm2 := 0
		for _, t := range terms {
			var n int
			if err := tx.QueryRowContext(ctx, `INSERT INTO gap_topic_terms (workspace_id, term, topic_id, n) VALUES (?, ?, ?, 1)
				ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n`, q.WorkspaceID, t, topic).Scan(&n); err != nil {
				return err
			}
			norm2 += 2*n - 1 // n² − (n−1)²
		}
		if _, err := tx.ExecContext(ctx, "UPDATE gap_topics SET size = size + 1, norm2 = norm2 + ? WHERE id = ?", norm2, topic); err != nil {
			return err
		}
		if embedded {
			if err := addVector(ctx, tx, topic, vec, stamp); err != nil {
				return err
			}
		}
		return refresh(ctx, tx, topic)
	})
	if errors.Is(err, errRecorded) {
		return g, false, nil
	}
	if err != nil {
		return g, false, fmt.Errorf("gaps: record: %w", err)
	}
	if created && g.Status == Open && b.onCreated != nil {
		b.onCreated(ctx, g)
	}
	return g, created, nil
}

// match finds the topic a question joins, and its status; 0 when it starts one. A
// question asked before in the same words joins that one's topic.
func (b *Book) match(ctx context.Context, wsID int64, key string, terms []string, vec []float32, cut float64, stamp string, embedded bool) (int64, Status, error) {
	var topic int64
	var status Status
	err := b.db.Read.QueryRowContext(ctx, sqlMatchKey, wsID, key).Scan(&topic, &status)
	if err == nil {
		return topic, status, nil
	}
	if err != sql.ErrNoRows {
		return 0, "", fmt.Errorf("gaps: match: %w", err)
	}
	best := joinWords
	if len(terms) > 0 {
		args := []any{wsID}
		for _, t := range terms {
			args = append(args, t)
		}
		rows, err := b.db.Read.QueryContext(ctx, sqlMatchTerms(len(terms)), args...)
		if err != nil {
			return 0, "", fmt.Errorf("gaps: match: %w", err)
		}
		for rows.Next() {
			var id, shared, sum, norm2 int64
			var st Status
			if err := rows.Scan(&id, &shared, &sum, &norm2, &st); err != nil {
				rows.Close()
				return 0, "", fmt.Errorf("gaps: match: %w", err)
			}
			if shared < min(2, int64(len(terms))) {
				continue
			}
			if c := float64(sum) / math.Sqrt(float64(len(terms))*float64(norm2)); c >= best {
				best, topic, status = c, id, st
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, "", fmt.Errorf("gaps: match: %w", err)
		}
	}
	if topic != 0 || !embedded {
		return topic, status, nil
	}
	rows, err := b.db.Read.QueryContext(ctx, sqlMatchMeaning, wsID, stamp, meaningTopics)
	if err != nil {
		return 0, "", fmt.Errorf("gaps: match: %w", err)
	}
	defer rows.Close()
	closest := cut
	for rows.Next() {
		var id int64
		var st Status
		var blob []byte
		if err := rows.Scan(&id, &st, &blob); err != nil {
			return 0, "", fmt.Errorf("gaps: match: %w", err)
		}
		if c := cosine(vec, decode(blob)); c >= closest {
			closest, topic, status = c, id, st
		}
	}
	return topic, status, rows.Err()
}

// The queries that place a question (plan_test.go checks their indexes).
const (
	sqlMatchKey = `SELECT t.id, t.status FROM gaps g JOIN gap_topics t ON t.id = g.topic_id
		WHERE g.workspace_id = ? AND g.key = ? AND t.status != 'resolved' ORDER BY g.id DESC LIMIT 1`
	sqlMatchMeaning = `SELECT id, status, embedding FROM gap_topics
		WHERE workspace_id = ? AND status != 'resolved' AND embed_stamp = ? ORDER BY last_seen DESC LIMIT ?`
	sqlRefresh = `UPDATE gap_topics SET
		questions = (SELECT COUNT(*) FROM gaps WHERE topic_id = ?1 AND status = gap_topics.status),
		last_seen = COALESCE((SELECT MAX(asked_at) FROM gaps WHERE topic_id = ?1 AND status = gap_topics.status), 0)
		WHERE id = ?1`
)

// sqlMatchTerms sums, for each topic that is not resolved, the counts of the n terms it
// shares with a question.
func sqlMatchTerms(n int) string {
	return `SELECT t.topic_id, COUNT(*), SUM(t.n), g.norm2, g.status
		FROM gap_topic_terms t JOIN gap_topics g ON g.id = t.topic_id
		WHERE t.workspace_id = ? AND t.term IN (?` + strings.Repeat(", ?", n-1) + `) AND g.status != 'resolved'
		GROUP BY t.topic_id`
}

// refresh sets a topic's count and last seen from its questions of its status.
func refresh(ctx context.Context, tx *sql.Tx, topic int64) error {
	_, err := tx.ExecContext(ctx, sqlRefresh, topic)
	return err
}

// addVector adds a question's vector to its topic's sum; a sum made otherwise (another
// model) starts again.
func addVector(ctx context.Context, tx *sql.Tx, topic int64, vec []float32, stamp string) error {
	var blob []byte
	var was string
	if err := tx.QueryRowContext(ctx, "SELECT embedding, embed_stamp FROM gap_topics WHERE id = ?", topic).Scan(&blob, &was); err != nil {
		return err
	}
	sum := decode(blob)
	if was != stamp || len(sum) != len(vec) {
		sum = make([]float32, len(vec))
	}
	for i, v := range vec {
		sum[i] += v
	}
	_, err := tx.ExecContext(ctx, "UPDATE gap_topics SET embedding = ?, embed_stamp = ? WHERE id = ?", encode(sum), stamp, topic)
	return err
}

// Key is a question folded so that the same question asked again is known: lower case,
// its words separated by single spaces, without the punctuation around them.
func Key(text string) string {
	var ws []string
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if w = strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }); w != "" {
			ws = append(ws, w)
		}
	}
	return strings.Join(ws, " ")
}

// termsOf is what a question is about as the knowledge search analyses it (in every
// language it supports: stems without question and function words, and character pairs
// for scripts written without spaces), sorted. Pairs that say nothing of a topic are left
// out: those holding a Chinese pronoun or particle (你们, 什么, 吗), and those of two kana
// of Japanese grammar (です, ますか); the search's lists of common words have none for
// these scripts, and two questions sharing only them would otherwise look alike.
func termsOf(text string) []string {
	set := knowledge.ContentTerms(text)
	ts := make([]string, 0, len(set))
	for t := range set {
		if !grammatical(t) {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)
	return ts
}

// chineseFunction are the pronouns, particles and question words of Chinese.
const chineseFunction = "的了吗呢吧啊是你您我他她们么什怎哪谁请可以有要"

func grammatical(term string) bool {
	rs := []rune(term)
	if len(rs) != 2 || !unicode.In(rs[0], unicode.Han, unicode.Hiragana) {
		return false
	}
	if unicode.Is(unicode.Hiragana, rs[0]) && unicode.Is(unicode.Hiragana, rs[1]) {
		return true
	}
	return strings.ContainsRune(chineseFunction, rs[0]) || strings.ContainsRune(chineseFunction, rs[1])
}

func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var ab, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		bb += float64(b[i]) * float64(b[i])
	}
	if bb == 0 {
		return 0
	}
	return ab / math.Sqrt(bb) // a is a unit vector (knowledge.QuestionVector)
}

func encode(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

func decode(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v
}
