// Package email is the mail logic of the email channel, without storage or network: it
// reads an incoming message (Parse) into what the inbox shows (sanitized HTML, attachments,
// inline images) and what the AI reads (Message.Reply: the new text, without the quoted
// thread and the signature), says whether the message may be answered automatically
// (Message.MayAutoReply, RFC 3834) and whether it reports a failed delivery
// (Message.Bounce, RFC 3464), finds what ties it to an earlier conversation (Candidates),
// and writes our mail (Compose, ReplyThreading, NewMessageID, PlusAddress). docs/EMAIL.md
// says what each piece does and where its limits are.
//
// # Threading: the rule the intake applies
//
// Store with every message its MessageID, InReplyTo and References, and with every email
// conversation its plus-address token (NewToken), so that each lookup below is an index
// lookup. Then an incoming message m joins a conversation when:
//
//   - one of Candidates(m, ours...) names it: a Message-ID held by any message of the
//     conversation (ours or the customer's), or the conversation's token. Try them in order
//     (In-Reply-To, References from the newest back, then the token) and take the first
//     that names a conversation allowed below. Any of them is enough: Outlook rewrites
//     In-Reply-To, Apple Mail overwrites References, iPhone Mail may send neither and only
//     the plus address in To is left.
//   - and that conversation's contact is m's sender (SameMailbox of the addresses).
//     Never join a conversation of a different contact: a mail sent to many customers gives
//     all their replies one In-Reply-To, and a colleague answering a forwarded thread names
//     someone else's conversation. Such a message starts a conversation of its own.
//   - whatever its subject: a reply with a changed subject still joins, and "RE:", "AW:"
//     or "SV:" mean nothing to threading.
//
// A joined conversation that was closed reopens rather than a new one starting. With no
// candidate naming a conversation, the message starts a new one.
//
// A bounce (m.Bounce non-nil) joins the conversation holding Bounce.OriginalID (else by
// its Candidates), flags the contact's address when it is among Bounce.Failed(), and is
// never answered.
//
// # Sending
//
// An answer to m goes To ReplyAddress(m), with Subject ReplySubject(m.Subject), threading
// from ReplyThreading(m.MessageID, m.References, m.InReplyTo), Reply-To the conversation's
// PlusAddress, and, for the AI only, Automatic (Auto-Submitted: auto-replied). The AI
// answers only when m.MayAutoReply(ours...) allows it. Keep the Message-ID Compose returns
// with the stored message, so that the customer's answer finds the conversation.
package email
