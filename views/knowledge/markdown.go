package knowledge

import (
	"context"
	"fmt"
	"io"

	"github.com/a-h/templ"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"agent/app/knowledge/extract"
)

// markdown renders articles: CommonMark with GFM tables, task lists, strikethrough and
// autolinks. Raw HTML is left out and javascript: links lose their target (goldmark's
// defaults without html.WithUnsafe), so what an editor types can never run as script.
// It is made by extract.NewMarkdown and parsed by extract.ParseMarkdown, so that what an
// editor types is parsed within the same bounds of nesting and time as when it is saved.
var markdown = extract.NewMarkdown(
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkRel{}, 1000))),
)

// linkRel marks every link nofollow noopener: an article's links point to other sites,
// which must get neither ranking from the admin nor a handle on its window.
type linkRel struct{}

func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.Link, *ast.AutoLink:
				n.SetAttributeString("rel", []byte("nofollow noopener"))
			}
		}
		return ast.WalkContinue, nil
	})
}

// Markdown shows an article's Markdown as HTML that is safe to put in the page: the
// only way user-written markup reaches the admin unescaped. The parse stops when the
// request ends.
func Markdown(src string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		doc, source, err := extract.ParseMarkdown(ctx, markdown, []byte(src))
		if err != nil {
			return fmt.Errorf("knowledge view: markdown: %w", err)
		}
		return markdown.Renderer().Render(w, source, doc)
	})
}
