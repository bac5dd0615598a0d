package markdown

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// strikethroughParser parses ~~struck text~~ with exactly two tildes on
// each side. GFM also strikes through text between single tildes, but
// Dutch writers use a single tilde for "circa" and for ranges ("10~20
// gemeenten"), so here a single tilde is a tilde.
type strikethroughParser struct{}

var _ parser.InlineParser = strikethroughParser{}

func (strikethroughParser) Trigger() []byte { return []byte{'~'} }

func (strikethroughParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	line, segment := block.PeekLine()
	node := parser.ScanDelimiter(line, before, 2, doubleTildes{})
	if node == nil || node.OriginalLength != 2 || before == '~' {
		return nil
	}
	node.Segment = segment.WithStop(segment.Start + node.OriginalLength)
	block.Advance(node.OriginalLength)
	pc.PushDelimiter(node)
	return node
}

// doubleTildes is the delimiter processor of strikethroughParser.
type doubleTildes struct{}

func (doubleTildes) IsDelimiter(b byte) bool { return b == '~' }

func (doubleTildes) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (doubleTildes) OnMatch(int) ast.Node { return east.NewStrikethrough() }
