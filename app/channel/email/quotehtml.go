package email

import (
	"strings"

	"github.com/inbucket/html2text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// StripQuotesHTML is StripQuotes for an HTML body, and returns text. Clients mark their
// quotes in HTML more surely than in text: Gmail's gmail_quote blockquote and gmail_attr
// line, Apple Mail's and Thunderbird's blockquote type=cite (and moz-cite-prefix), Outlook's
// divRplyFwdMsg and the border-top block above its "From:" lines (everything below those
// is the earlier thread), and their signature blocks.
func StripQuotesHTML(rawHTML string) string {
	s, _ := stripHTML(rawHTML)
	return s
}

// stripHTML is StripQuotesHTML, also saying whether it found quoted text.
func stripHTML(rawHTML string) (string, bool) {
	doc, err := html.Parse(strings.NewReader(rawHTML))
	if err != nil {
		return "", false
	}
	var p pruner
	p.walk(doc)
	text, err := html2text.FromHTMLNode(doc)
	if err != nil {
		return "", false
	}
	s, found := stripText(text)
	return s, found || p.found
}

// htmlText turns an HTML body into text for the AI.
func htmlText(rawHTML string) (string, error) {
	return html2text.FromString(rawHTML)
}

type pruner struct{ found, stop bool }

// what a node is to the quote stripper
const (
	keepNode = iota
	quoteNode
	signatureNode
	restIsQuote // this node and all that follows it in the document
)

func (p *pruner) walk(n *html.Node) {
	for c := n.FirstChild; c != nil && !p.stop; {
		next := c.NextSibling
		switch classify(c) {
		case quoteNode:
			n.RemoveChild(c)
			p.found = true
		case signatureNode:
			n.RemoveChild(c)
		case restIsQuote:
			truncate(c)
			p.found, p.stop = true, true
		default:
			if c.DataAtom == atom.Blockquote {
				// what is left is the sender's own indented text (Gmail's "indent"), which
				// html2text would prefix with "> " like a quote
				c.DataAtom, c.Data = atom.Div, "div"
			}
			p.walk(c)
		}
		c = next
	}
}

// truncate removes n and everything after it in document order, and the rule Outlook Web
// draws just above its header block.
func truncate(n *html.Node) {
	prev := n.PrevSibling
	for prev != nil && prev.Type == html.TextNode && strings.TrimSpace(prev.Data) == "" {
		prev = prev.PrevSibling
	}
	if prev != nil && prev.DataAtom == atom.Hr {
		prev.Parent.RemoveChild(prev)
	}
	parent := n.Parent
	for x := n; x.Parent != nil; x = x.Parent {
		for x.NextSibling != nil {
			x.Parent.RemoveChild(x.NextSibling)
		}
	}
	parent.RemoveChild(n)
}

func classify(n *html.Node) int {
	if n.Type != html.ElementNode {
		return keepNode
	}
	id, class, typ, style := attr(n, "id"), " "+attr(n, "class")+" ", attr(n, "type"), attr(n, "style")
	switch {
	case n.DataAtom == atom.Blockquote && (strings.EqualFold(typ, "cite") || strings.Contains(class, " gmail_quote ")):
		return quoteNode
	case strings.Contains(class, " gmail_attr "), strings.Contains(class, " moz-cite-prefix "),
		strings.Contains(class, " yahoo_quoted "), strings.Contains(class, " protonmail_quote "):
		return quoteNode
	case strings.Contains(class, " gmail_signature "), strings.Contains(class, " gmail_signature_prefix "),
		attr(n, "data-smartmail") == "gmail_signature", strings.Contains(class, " moz-signature "),
		id == "Signature", id == "AppleMailSignature", id == "ms-outlook-mobile-signature":
		return signatureNode
	case id == "divRplyFwdMsg", id == "appendonsend", id == "mail-editor-reference-message-container",
		id == "OLK_SRC_BODY_SECTION", strings.Contains(class, " OutlookMessageHeader "):
		return restIsQuote
	case style != "" && outlookRule(style) && headerFrom.MatchString(textStart(n, 200)):
		return restIsQuote
	}
	return keepNode
}

// outlookRule is the style of the div Outlook for Windows puts around its "From:" block:
// "border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm".
func outlookRule(style string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(style), ""))
	return strings.Contains(s, "border-top:solid") || strings.Contains(s, "border-top:1pxsolid")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textStart is the first max bytes or so of a node's text, from its first max nodes.
func textStart(n *html.Node, max int) string {
	var b strings.Builder
	nodes := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && b.Len() < max && nodes < max; c = c.NextSibling {
			nodes++
			if c.Type == html.TextNode {
				b.WriteString(strings.Join(strings.Fields(c.Data), " "))
				b.WriteByte(' ')
			}
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
