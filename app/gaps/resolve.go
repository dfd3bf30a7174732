package gaps

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"agent/app/agent"
	"agent/app/knowledge"
)

// Bounds of a resolution: the phrasings the short answer gets from the topic's
// questions, and the questions replayed through the decision afterwards.
const (
	maxPhrasings = 500
	// maxPhrasingRunes is the longest phrasing a short answer takes (knowledge).
	maxPhrasingRunes = 500
	maxReplays       = 200
)

// Resolution is a topic resolved: the short answer written for it and how many of its
// questions the agent now answers.
type Resolution struct {
	Topic  Topic
	Source knowledge.Source
}

// Resolve writes the missing answer of an open topic: a short answer in the knowledge
// whose question is the one given (the topic's, edited) and whose phrasings are the
// topic's open questions, so that each way customers asked it is matched. The topic and
// its questions are then resolved, and its questions replayed through the agent's
// decision (Replay). A question or an answer missing or too long is a
// knowledge.InputError, and the topic stays open.
func (b *Book) Resolve(ctx context.Context, workspaceID, topicID, userID int64, question, answer string) (Resolution, error) {
	t, err := b.Topic(ctx, workspaceID, topicID)
	if err != nil {
		return Resolution{}, err
	}
	if t.Status != Open {
		return Resolution{}, ErrNotFound
	}
	qs, err := b.Questions(ctx, t, Open)
	if err != nil {
		return Resolution{}, err
	}
	var variants []string
	for _, q := range qs {
		if len(variants) == maxPhrasings {
			break
		}
		// A message longer than a phrasing may be is no way of asking: left out.
		if utf8.RuneCountInString(q.Text) <= maxPhrasingRunes {
			variants = append(variants, q.Text)
		}
	}
	src, err := b.knowledge.CreateShortAnswer(ctx, workspaceID, knowledge.ShortAnswerInput{Question: question, Variants: variants, Answer: answer})
	if err != nil {
		return Resolution{}, err
	}
	err = b.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := moveTopic(ctx, tx, workspaceID, topicID, userID, Open, Resolved); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE gap_topics SET source_id = ? WHERE id = ?", src.ID, topicID)
		return err
	})
	if err != nil {
		return Resolution{}, fmt.Errorf("gaps: resolve: %w", err)
	}
	if t, err = b.Replay(ctx, workspaceID, topicID); err != nil {
		return Resolution{}, err
	}
	return Resolution{Topic: t, Source: src}, nil
}

// Replay runs a resolved topic's questions (the newest maxReplays) through the decision
// of the agent that had each conversation, as a customer's first message, and records how
// many it would now answer. It is the engine's own decision (app/agent), without a model:
// an agent answering from chosen sources that do not include the new short answer still
// hands off, which the count shows.
func (b *Book) Replay(ctx context.Context, workspaceID, topicID int64) (Topic, error) {
	t, err := b.Topic(ctx, workspaceID, topicID)
	if err != nil {
		return t, err
	}
	rows, err := b.db.Read.QueryContext(ctx, `SELECT g.question, g.lang, c.channel, COALESCE(c.agent_id, 0)
		FROM gaps g JOIN conversations c ON c.id = g.conversation_id
		WHERE g.topic_id = ? AND g.status = ? ORDER BY g.asked_at DESC, g.id DESC LIMIT ?`, topicID, t.Status, maxReplays)
	if err != nil {
		return t, fmt.Errorf("gaps: replay: %w", err)
	}
	type replay struct {
		text, lang, channel string
		agentID             int64
	}
	var rs []replay
	for rows.Next() {
		var r replay
		if err := rows.Scan(&r.text, &r.lang, &r.channel, &r.agentID); err != nil {
			rows.Close()
			return t, fmt.Errorf("gaps: replay: %w", err)
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("gaps: replay: %w", err)
	}
	agents := map[int64]*agent.Agent{}
	replayed, answered := 0, 0
	for _, r := range rs {
		a, ok := agents[r.agentID]
		if !ok {
			got, err := b.agents.Get(ctx, workspaceID, r.agentID)
			switch {
			case errors.Is(err, agent.ErrNotFound):
			case err != nil:
				return t, err
			default:
				a = &got
			}
			agents[r.agentID] = a
		}
		if a == nil {
			continue // the agent was removed since: no decision to replay
		}
		reply, err := b.replay.Respond(ctx, *a, agent.Message{Text: r.text, Lang: r.lang, Channel: r.channel})
		if err != nil {
			return t, fmt.Errorf("gaps: replay: %w", err)
		}
		replayed++
		if reply.Decision == agent.Answer {
			answered++
		}
	}
	if _, err := b.db.Write.ExecContext(ctx, "UPDATE gap_topics SET replayed = ?, answered = ?, changed_at = ? WHERE id = ?",
		replayed, answered, time.Now().Unix(), topicID); err != nil {
		return t, fmt.Errorf("gaps: replay: %w", err)
	}
	t.Replayed, t.Answered = replayed, answered
	return t, nil
}

// Suggest returns the open topic a question would join, for the preview's "add an
// answer": 0 when it would start one.
func (b *Book) Suggest(ctx context.Context, workspaceID int64, question string) (int64, error) {
	vec, cut, stamp, embedded := b.knowledge.QuestionVector(ctx, workspaceID, question)
	topic, status, err := b.match(ctx, workspaceID, Key(question), termsOf(question), vec, cut, stamp, embedded)
	if err != nil || status != Open {
		return 0, err
	}
	return topic, nil
}
