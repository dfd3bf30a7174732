package web

// The chat on a quote's public page is the chat widget (widget.go, static/widget.js)
// with the quote's signed token as its key: the widget's API then serves the chat
// channel that quote pages use (quoteChannel), and binds every visitor and conversation
// to the quote, so that each visitor of the page has their own conversation about it
// (channel "quote"), listed on the quote's admin page.

import (
	"context"
	"errors"
	"strings"

	"agent/app/channel"
	"agent/app/inbox"
	"agent/app/quote"
)

// target is the channel (and quote) an API request's key names: a chat channel's public
// key, or a live quote's token. Anything else, and a quote whose page is down, is
// channel.ErrNotFound.
func (wa *widgetAPI) target(ctx context.Context, key string) (*widgetRequest, error) {
	if !strings.HasPrefix(key, quote.TokenPrefix) {
		ch, err := wa.s.channels.ByPublicKey(ctx, key)
		return &widgetRequest{ch: ch}, err
	}
	q, err := wa.s.quotes.Open(ctx, key)
	if isLinkError(err) {
		return nil, channel.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	ch, ok, err := wa.s.quoteChannel(ctx, q.WorkspaceID)
	if err == nil && !ok {
		err = channel.ErrNotFound
	}
	return &widgetRequest{ch: ch, quoteID: q.ID}, err
}

// holds reports whether conversation c is one this widget shows: on a quote's page the
// quote's (whatever inbox it was handed off to since), elsewhere the channel's own.
func (wr *widgetRequest) holds(c inbox.Conversation) bool {
	if wr.quoteID != 0 {
		return c.QuoteID == wr.quoteID
	}
	return c.ChannelID == wr.ch.ID && c.QuoteID == 0
}

// quoteChannel is the chat channel whose widget serves the chat of the workspace's quote
// pages, and whose AI agent answers it: the workspace's first active chat channel; false
// when it has none (the page then shows the quote without a chat). The closing agent
// plugs in here: its handoff inbox becomes the channel, and it answers the conversations
// itself (inbox.Service answers those of channel "quote").
func (s *Server) quoteChannel(ctx context.Context, workspaceID int64) (channel.Channel, bool, error) {
	chs, err := s.channels.List(ctx, workspaceID)
	if err != nil {
		return channel.Channel{}, false, err
	}
	var first channel.Channel
	for _, ch := range chs {
		if ch.Kind == channel.Chat && ch.Active && (first.ID == 0 || ch.ID < first.ID) {
			first = ch
		}
	}
	return first, first.ID != 0, nil
}

// isLinkError reports whether err is a quote link that opens no page.
func isLinkError(err error) bool {
	return errors.Is(err, quote.ErrLinkInvalid) || errors.Is(err, quote.ErrLinkWithdrawn) || errors.Is(err, quote.ErrLinkExpired)
}
