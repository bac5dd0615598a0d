package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// What Chromium's PDF lacks, added by an incremental update (PDF 32000-1,
// 7.5.6): the original bytes stay as they are, and new versions of the
// objects that change follow them, with a cross-reference section of
// their own. Chromium writes every object uncompressed and a classic
// cross-reference table, which is what this reads; a PDF it cannot read
// is an error, and Printer.Print keeps Chromium's PDF as it is.

// Document is what finish needs to know of the printed document.
type Document struct {
	Title    string   // the document's title, as in the PDF's Info
	Lang     string   // its language, "nl"
	Headings []string // the text of its headings as written, spaces and all
	Creator  string   // who publishes it, for the metadata
}

var (
	objRE        = regexp.MustCompile(`(?m)^(\d+) 0 obj\s*`)
	rootRE       = regexp.MustCompile(`/Root (\d+) 0 R`)
	infoRE       = regexp.MustCompile(`/Info (\d+) 0 R`)
	sizeRE       = regexp.MustCompile(`/Size (\d+)`)
	startxrefRE  = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	titleRE      = regexp.MustCompile(`/Title (\((?:[^)\\]|\\.)*\)|<[0-9A-Fa-f]*>)`)
	destRE       = regexp.MustCompile(`/([A-Za-z0-9_.-]+) \[(\d+) 0 R /XYZ `)
	pagesRE      = regexp.MustCompile(`(?s)^<<(/Type /Pages.*)>>`)
	kidsRE       = regexp.MustCompile(`/Kids \[([^\]]*)\]`)
	refRE        = regexp.MustCompile(`(\d+) 0 R`)
	catalogKeyRE = regexp.MustCompile(`/(Metadata|Version) [^/>]*`)
	contentsRE   = regexp.MustCompile(`/Contents (\d+) 0 R`)
	streamRE     = regexp.MustCompile(`^<</Filter /FlateDecode\s*/Length (\d+)>>\s*stream\r?\n`)
	creationRE   = regexp.MustCompile(`/CreationDate \(D:(\d{14})`)
)

// objects maps each object number of a PDF to its body, between "obj"
// and "endobj".
func objects(data []byte) map[int][]byte {
	out := map[int][]byte{}
	locs := objRE.FindAllSubmatchIndex(data, -1)
	for _, loc := range locs {
		n, _ := strconv.Atoi(string(data[loc[2]:loc[3]]))
		end := bytes.Index(data[loc[1]:], []byte("endobj"))
		if end < 0 {
			continue
		}
		out[n] = bytes.TrimSpace(data[loc[1] : loc[1]+end])
	}
	return out
}

// DestinationPages returns the page (counted from 1) of every named
// destination of a Chromium PDF: where each element with an id landed.
func DestinationPages(data []byte) map[string]int {
	objs := objects(data)
	kids := map[int][]int{}
	root := -1
	for n, body := range objs {
		m := pagesRE.FindSubmatch(body)
		if m == nil {
			continue
		}
		if k := kidsRE.FindSubmatch(m[1]); k != nil {
			for _, ref := range refRE.FindAllSubmatch(k[1], -1) {
				kid, _ := strconv.Atoi(string(ref[1]))
				kids[n] = append(kids[n], kid)
			}
		}
		if !bytes.Contains(m[1], []byte("/Parent")) {
			root = n
		}
	}
	pageNumber := map[int]int{}
	var walk func(n int)
	walk = func(n int) {
		if ks, ok := kids[n]; ok {
			for _, k := range ks {
				walk(k)
			}
			return
		}
		pageNumber[n] = len(pageNumber) + 1
	}
	if root >= 0 {
		walk(root)
	}
	out := map[string]int{}
	for _, m := range destRE.FindAllSubmatch(data, -1) {
		obj, _ := strconv.Atoi(string(m[2]))
		if p, ok := pageNumber[obj]; ok {
			out[string(m[1])] = p
		}
	}
	return out
}

// finish adds to a PDF Chromium printed what PDF/UA-1 asks and Chromium
// does not write: XMP metadata identifying it as PDF/UA-1 (pdfuaid:part),
// with its title and language, version 1.7, and the page numbers at the
// foot of the pages marked as artefacts; and it gives the outline
// entries their headings' words as written, where Chromium joined the
// lines of a wrapped heading without a space ("positieraadsleden").
func finish(data []byte, doc Document) ([]byte, error) {
	root := rootRE.FindSubmatch(lastTrailer(data))
	start := startxrefRE.FindSubmatch(data)
	size := sizeRE.FindSubmatch(lastTrailer(data))
	if root == nil || start == nil || size == nil {
		return nil, fmt.Errorf("pdf: no trailer to update")
	}
	rootNum, _ := strconv.Atoi(string(root[1]))
	nextNum, _ := strconv.Atoi(string(size[1]))
	objs := objects(data)
	catalog, ok := objs[rootNum]
	if !ok || !bytes.HasPrefix(catalog, []byte("<<")) {
		return nil, fmt.Errorf("pdf: no catalog")
	}
	updated := map[int][]byte{}
	metaNum := nextNum
	nextNum++
	created := time.Now()
	if m := infoRE.FindSubmatch(lastTrailer(data)); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		if d := creationRE.FindSubmatch(objs[n]); d != nil {
			if t, err := time.Parse("20060102150405", string(d[1])); err == nil {
				created = t
			}
		}
	}
	xmp := metadata(doc, created)
	updated[metaNum] = fmt.Appendf(nil, "<</Type /Metadata\n/Subtype /XML\n/Length %d>>\nstream\n%s\nendstream", len(xmp), xmp)
	catalog = catalogKeyRE.ReplaceAll(catalog, nil)
	catalog = fmt.Appendf(bytes.Clone(catalog[:len(catalog)-2]), "\n/Version /1.7\n/Metadata %d 0 R>>", metaNum)
	updated[rootNum] = catalog
	written := map[string]string{}
	for _, h := range doc.Headings {
		written[squeeze(h)] = strings.Join(strings.Fields(h), " ")
	}
	for n, body := range objs {
		if !bytes.Contains(body, []byte("/Parent")) || !bytes.HasPrefix(body, []byte("<</Title ")) {
			continue
		}
		m := titleRE.FindSubmatchIndex(body)
		if m == nil {
			continue
		}
		title := decodeString(body[m[2]:m[3]])
		want, ok := written[squeeze(title)]
		if !ok || want == title {
			continue
		}
		nb := append(bytes.Clone(body[:m[2]]), encodeString(want)...)
		updated[n] = append(nb, body[m[3]:]...)
	}
	for _, body := range objs {
		if c := contentsRE.FindSubmatch(body); c != nil && bytes.HasPrefix(body, []byte("<</Type /Page\n")) {
			num, _ := strconv.Atoi(string(c[1]))
			if marked, ok := markFooter(objs[num]); ok {
				updated[num] = marked
			}
		}
	}
	return appendUpdate(data, updated, nextNum, start[1]), nil
}

// markFooter returns a page's content stream (an object's body) with its
// footer, the page number Chromium draws after everything else, marked
// as a pagination artefact: not part of the text a screen reader reads
// in order. It returns false, and the page is left as it is, unless the
// stream is one Flate-compressed stream whose last text object follows
// every marked-content sequence, as Chromium writes a page with a footer.
func markFooter(stream []byte) ([]byte, bool) {
	m := streamRE.FindSubmatchIndex(stream)
	if m == nil {
		return nil, false
	}
	length, _ := strconv.Atoi(string(stream[m[2]:m[3]]))
	if m[1]+length > len(stream) {
		return nil, false
	}
	zr, err := zlib.NewReader(bytes.NewReader(stream[m[1] : m[1]+length]))
	if err != nil {
		return nil, false
	}
	content, err := io.ReadAll(zr)
	if err != nil {
		return nil, false
	}
	bt := bytes.LastIndex(content, []byte("\nBT\n"))
	if bt < 0 || bt < bytes.LastIndex(content, []byte("\nEMC\n")) || bytes.Contains(content[bt:], []byte("BDC")) {
		return nil, false
	}
	et := bytes.Index(content[bt:], []byte("\nET\n"))
	if et < 0 {
		return nil, false
	}
	et += bt + len("\nET")
	var marked bytes.Buffer
	marked.Write(content[:bt])
	marked.WriteString("\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
	marked.Write(content[bt:et])
	marked.WriteString("\nEMC")
	marked.Write(content[et:])
	var packed bytes.Buffer
	zw := zlib.NewWriter(&packed)
	zw.Write(marked.Bytes())
	if zw.Close() != nil {
		return nil, false
	}
	return fmt.Appendf(nil, "<</Filter /FlateDecode\n/Length %d>>\nstream\n%s\nendstream", packed.Len(), packed.Bytes()), true
}

// lastTrailer is the trailer dictionary of the last update of data.
func lastTrailer(data []byte) []byte {
	i := bytes.LastIndex(data, []byte("trailer"))
	if i < 0 {
		return nil
	}
	return data[i:]
}

// appendUpdate appends objs (number → body) to data as an incremental
// update: the objects, a cross-reference section listing them, and a
// trailer that points at the previous section (prevXref).
func appendUpdate(data []byte, objs map[int][]byte, size int, prevXref []byte) []byte {
	out := bytes.Clone(data)
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	offsets := map[int]int{}
	for _, n := range nums {
		offsets[n] = len(out)
		out = fmt.Appendf(out, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := len(out)
	out = append(out, "xref\n"...)
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		out = fmt.Appendf(out, "%d %d\n", nums[i], j-i+1)
		for _, n := range nums[i : j+1] {
			out = fmt.Appendf(out, "%010d 00000 n \n", offsets[n])
		}
		i = j + 1
	}
	trailer := lastTrailer(data)
	root := rootRE.Find(trailer)
	info := infoRE.Find(trailer)
	out = fmt.Appendf(out, "trailer\n<</Size %d\n%s\n", size, root)
	if info != nil {
		out = fmt.Appendf(out, "%s\n", info)
	}
	return fmt.Appendf(out, "/Prev %s>>\nstartxref\n%d\n%%%%EOF\n", prevXref, xref)
}

// squeeze is s without white space: how a heading and the outline entry
// Chromium made of it, lines joined without a space, compare.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// decodeString decodes a PDF string as Chromium writes a title: literal,
// with backslash escapes, or hexadecimal UTF-16 with a byte order mark.
func decodeString(s []byte) string {
	if s[0] == '<' {
		raw := make([]byte, 0, len(s)/2)
		for i := 1; i+1 < len(s)-1; i += 2 {
			b, err := strconv.ParseUint(string(s[i:i+2]), 16, 8)
			if err != nil {
				return ""
			}
			raw = append(raw, byte(b))
		}
		if len(raw) < 2 || raw[0] != 0xFE || raw[1] != 0xFF || len(raw)%2 != 0 {
			return string(raw)
		}
		u := make([]uint16, 0, len(raw)/2-1)
		for i := 2; i < len(raw); i += 2 {
			u = append(u, uint16(raw[i])<<8|uint16(raw[i+1]))
		}
		return string(utf16.Decode(u))
	}
	var b strings.Builder
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); i++ {
		if body[i] == '\\' && i+1 < len(body) {
			i++
		}
		b.WriteByte(body[i])
	}
	return b.String()
}

// encodeString writes s as a PDF text string: hexadecimal UTF-16 with a
// byte order mark, which holds any character.
func encodeString(s string) []byte {
	out := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		out = fmt.Appendf(out, "%04X", u)
	}
	return append(out, '>')
}

// metadata is the XMP packet of the document: PDF/UA-1 identification,
// title, language, creator and dates (those of the Info dictionary, so
// that the two agree).
func metadata(doc Document, now time.Time) string {
	esc := func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
	}
	date := now.UTC().Format("2006-01-02T15:04:05Z")
	return `<?xpacket begin="` + "\uFEFF" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<pdfuaid:part>1</pdfuaid:part>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(doc.Title) + `</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>` + esc(doc.Lang) + `</rdf:li></rdf:Bag></dc:language>
<dc:creator><rdf:Seq><rdf:li>` + esc(doc.Creator) + `</rdf:li></rdf:Seq></dc:creator>
<pdf:Producer>ledenbrief with Chromium (Skia/PDF)</pdf:Producer>
<xmp:CreatorTool>ledenbrief</xmp:CreatorTool>
<xmp:CreateDate>` + date + `</xmp:CreateDate>
<xmp:ModifyDate>` + date + `</xmp:ModifyDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}
