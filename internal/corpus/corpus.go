// Package corpus generates synthetic content folders shaped like the real
// letter Lbr. 21/082 (a letter of about 4 KB with six topics, an annex of
// six sections with three to five subsections each, about 27 KB of
// Markdown in all, links by id to the annex and to handreikingen), for
// benchmarks. The same size always gives the same bytes.
//
// Letters come in series of three editions, as real ones do: the second
// and third edition of a series repeat the text of the first with a few
// words changed here and a paragraph rewritten there.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"ledenbrief/internal/letternumber"
)

// Guides is the number of handreikingen in a generated corpus.
const Guides = 60

var words = strings.Fields(`gemeente raad raadslid raadsleden wethouder wethouders burgemeester
griffier college bestuur bestuurders integriteit ondermijning desinformatie weerbaarheid
democratie rechtspositie ambtsdragers verkiezingen verordening handreiking circulaire
ministerie samenwerking regio financiën verhoudingen informatie ondersteuning veiligheid
intimidatie agressie bedreiging melding aangifte nazorg beleid aanpak preventie inwoners
criminaliteit netwerken drugslabs hennepkwekerijen loopbaanoriëntatie re-integratie
sollicitatieplicht uitkering beloning vergoedingen voorzieningen geheimhouding
belangenverstrengeling gedragscode ontheffing overeenkomst werkzaamheden kandidaat
programma visie dialoog klantcontactcentra complottheorieën onrust rechtsorde vertrouwen
de het een en van in op voor met door bij als om over naar uit aan dat die deze is zijn
wordt worden kan kunnen moet moeten heeft hebben ook nog meer niet wel zo dan of tot
lokale lokaal gemeentelijke decentrale bestuurlijke politieke nieuwe belangrijke
structurele integrale digitale sociale openbare verplichte eerdere komende`)

var abbreviations = []string{"VNG", "BZK", "VOG", "RIEC", "OMO", "BIO", "Appa", "Wgr"}

// Write creates a content folder with n letters in dir.
func Write(dir string, n int) error {
	if n < 1 || n > 90*999 {
		return fmt.Errorf("corpus: %d letters is out of range", n)
	}
	w := &writer{dir: dir}
	w.file("site.yaml", "title: Ledenbrieven (synthetisch)\npublisher: Vereniging van Nederlandse Gemeenten\nbase_url: https://example.org/\n")
	var ab strings.Builder
	for _, a := range abbreviations {
		fmt.Fprintf(&ab, "%s: Afkorting %s voluit\n", a, a)
	}
	w.file("afkortingen.yaml", ab.String())
	r := rand.New(rand.NewPCG(1, 2))
	for g := range Guides {
		w.file(fmt.Sprintf("handreikingen/h%03d.md", g),
			fmt.Sprintf("---\nid: handreiking-%03d\ntitle: %s\nkind: brochure\n---\n%s\n", g, title(r, 5), paragraph(r, 40)))
	}
	for i := range n {
		slug := fmt.Sprintf("%02d-%03d", 10+i/999, i%999+1)
		w.letter(r, i, slug)
	}
	return w.err
}

type writer struct {
	dir string
	err error
}

func (w *writer) file(name, text string) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.dir, filepath.FromSlash(name))
	if w.err = os.MkdirAll(filepath.Dir(p), 0o755); w.err == nil {
		w.err = os.WriteFile(p, []byte(text), 0o644)
	}
}

func (w *writer) letter(r *rand.Rand, i int, slug string) {
	number := letternumber.Number(slug)
	// The text of a series comes from its own source, the same for each
	// edition; a later edition's changes come from the letter's own.
	base := rand.New(rand.NewPCG(uint64(i/3), 3))
	e := &editor{r: r, edition: i % 3}
	sections := make([]string, 6)
	for s := range sections {
		sections[s] = fmt.Sprintf("onderwerp-%d", s+1)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "---\nnumber: %s\nreference: TRE/U%09d\ndate: %04d-%02d-%02d\nsubject: %s\nto: Aan de leden\nphone: 070-373 83 93\nattachments: 1\nseries: reeks-%d\n---\n",
		number, i, 2010+i/999, 1+i%12, 1+i%28, title(base, 7), i/3)
	fmt.Fprintf(&b, "Geachte leden van college en gemeenteraad,\n\n%s\n\n", e.edit(paragraph(base, 60)))
	for s, id := range sections {
		fmt.Fprintf(&b, "## %s {#brief-%d}\n\n%s [Hier](#%s) leest u meer.\n\n", title(base, 2), s+1, e.edit(paragraph(base, 30)), id)
	}
	b.WriteString("Met vriendelijke groet,\n\nVereniging van Nederlandse Gemeenten\n")
	w.file("brieven/"+slug+"/brief.md", b.String())
	for s, id := range sections {
		var a strings.Builder
		fmt.Fprintf(&a, "---\nid: %s\ntitle: %s\n---\n%s\n", id, title(base, 4), e.edit(paragraph(base, 35)))
		for sub := range 3 + base.IntN(3) {
			fmt.Fprintf(&a, "\n### %s {#%s-%d}\n\n%s\n\n", title(base, 4), id, sub+1, e.edit(paragraph(base, 45)))
			if base.IntN(2) == 0 {
				fmt.Fprintf(&a, "- %s;\n- %s;\n- %s.\n\n", sentence(base, 12), sentence(base, 10), sentence(base, 14))
			}
			fmt.Fprintf(&a, "Zie [%s](#handreiking-%03d). %s\n", title(base, 5), base.IntN(Guides), e.edit(paragraph(base, 15)))
		}
		w.file(fmt.Sprintf("brieven/%s/bijlage/%02d-%s.md", slug, s+1, id), a.String())
	}
}

// editor changes the paragraphs of a later edition: in each edition a
// tenth of them rewritten, a fifth with two words changed.
type editor struct {
	r       *rand.Rand
	edition int
}

func (e *editor) edit(p string) string {
	for range e.edition {
		switch n := e.r.IntN(10); {
		case n == 0:
			p = paragraph(e.r, len(strings.Fields(p)))
		case n < 3:
			f := strings.Fields(p)
			for range 2 {
				f[e.r.IntN(len(f))] = word(e.r)
			}
			p = strings.Join(f, " ")
		}
	}
	return p
}

func word(r *rand.Rand) string { return words[r.IntN(len(words))] }

func title(r *rand.Rand, n int) string {
	t := sentence(r, n)
	return strings.ToUpper(t[:1]) + strings.TrimSuffix(t[1:], ".")
}

func sentence(r *rand.Rand, n int) string {
	parts := make([]string, n)
	for i := range parts {
		if r.IntN(40) == 0 {
			parts[i] = abbreviations[r.IntN(len(abbreviations))]
		} else {
			parts[i] = word(r)
		}
	}
	return strings.Join(parts, " ") + "."
}

func paragraph(r *rand.Rand, n int) string {
	var b strings.Builder
	for n > 0 {
		k := min(n, 8+r.IntN(10))
		s := sentence(r, k)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(s[:1]) + s[1:])
		n -= k
	}
	return b.String()
}
