package meta

import (
	"strconv"
	"strings"

	"agent/app/agent"
	"agent/app/channel"
	"agent/app/ids"
	"agent/app/inbox"
)

// A rating button's id (WhatsApp) or quick reply's payload (Messenger) names the
// automatic reply it rates by its public id, and the answer: "rate:k3Qm8T:yes".
const ratingPrefix = "rate:"

// The answers a rating button gives: resolved, not resolved, or a reason.
const (
	answerYes = "yes"
	answerNo  = "no"
)

func ratingPayload(messageID int64, answer string) string {
	return ratingPrefix + ids.Encode(messageID) + ":" + answer
}

// parseRating reads a rating button's payload: the reply it rates and the rating; false
// for any other payload.
func parseRating(payload string) (int64, inbox.ChannelRating, bool) {
	rest, ok := strings.CutPrefix(payload, ratingPrefix)
	if !ok {
		return 0, inbox.ChannelRating{}, false
	}
	pub, answer, _ := strings.Cut(rest, ":")
	id, ok := ids.Decode(pub)
	if !ok {
		return 0, inbox.ChannelRating{}, false
	}
	r := inbox.ChannelRating{Rated: id}
	switch answer {
	case answerYes:
		r.Helpful = true
	case answerNo:
		r.AskWhy = true
	case "too_long", "not_useful", "off_topic":
		r.Reason = answer
	default:
		return 0, inbox.ChannelRating{}, false
	}
	return id, r, true
}

// button is a reply button or quick reply: its id (payload) and title.
type button struct{ id, title string }

// buttonsOf are the buttons a message offers: the rating it asks for, else a clarifying
// question's options.
func buttonsOf(out channel.Outgoing) []button {
	say := func(p agent.Phrase) string { return agent.Say(out.Lang, p) }
	switch out.Rating {
	case channel.RateReply:
		return []button{{ratingPayload(out.MessageID, answerYes), say(agent.PhraseResolved)},
			{ratingPayload(out.MessageID, answerNo), say(agent.PhraseNotResolved)}}
	case channel.RateReason:
		return []button{{ratingPayload(out.RatedID, "too_long"), say(agent.PhraseTooLong)},
			{ratingPayload(out.RatedID, "not_useful"), say(agent.PhraseNotUseful)},
			{ratingPayload(out.RatedID, "off_topic"), say(agent.PhraseOffTopic)}}
	}
	var bs []button
	for i, o := range out.Options {
		bs = append(bs, button{"option-" + strconv.Itoa(i+1), o})
	}
	return bs
}
