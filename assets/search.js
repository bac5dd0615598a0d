/* ledenbrief search: queries the static index that the build derives from
   its bleve index, with bleve's analysis (the exported surface forms), its
   BM25 scoring and the same query shape, so results match the server's.
   Data arrives as <script> files calling LB.meta, LB.shards, LB.postings
   and LB.docs with JSON compressed by zlib in a string of seven bits a
   byte, which works from file:// where fetch() does not. No dependencies. */
(function () {
  "use strict";

  var meta = null;
  var shards = {}; // shard key -> {v: vocabulary, t: term -> postings file}
  var postings = {}; // postings file number -> {term: record}
  var pairPostings = {}; // pairs file number -> {pair: record}
  var termFiles = {}; // term -> postings file number, from the loaded shards
  var docShards = {}; // number -> rows
  var pending = {}; // url -> promise
  var waiting = {}; // "meta" | "v:key" | "p:n" | "d:n" -> {resolve, reject}

  window.LB = {
    meta: function (data) { arrive("meta", data, function (m) { meta = m; }); },
    shards: function (first, data) { arrive("v:" + first, data, function (v) { for (var k in v) LB.keepShard(k, v[k]); }); },
    postings: function (n, data) { arrive("p:" + n, data, function (v) { postings[n] = v; }); },
    pairs: function (n, data) { arrive("q:" + n, data, function (v) { pairPostings[n] = v; }); },
    docs: function (n, data) { arrive("d:" + n, data, function (rows) { docShards[n] = rows; }); },
    facets: function (data) { arrive("f", data, keepFacets); },
    threads: function (data) { arrive("t", data, keepThreads); },
    // A small index (one letter's, in its offline copy) comes whole in
    // place of meta.js.
    bundle: function (data) {
      arrive("meta", data, function (b) {
        meta = b.meta;
        for (var k in b.v) LB.keepShard(k, b.v[k]);
        postings = b.p;
        pairPostings = b.q || {};
        docShards = b.d;
        if (b.f) keepFacets(b.f);
        if (b.t) keepThreads(b.t);
      });
    },
    keepShard: function (key, v) {
      shards[key] = v;
      for (var t in v.t) termFiles[t] = v.t[t];
    }
  };

  // arrive unpacks the data a script brought, keeps it and settles the
  // load that waits for it.
  function arrive(name, data, keep) {
    var w = waiting[name];
    delete waiting[name];
    try {
      keep(unpack(data));
    } catch (err) {
      if (w) w.reject(err);
      return;
    }
    if (w) w.resolve();
  }

  // unpack decodes a packed string, inflates the zlib stream and parses
  // the JSON. The string is seven bits a byte (unseven) in a file, base64
  // where it stands inline in an HTML document (the single-file copy):
  // zlib's header starts the one with a two-byte character, the other
  // with "e". The files are small: inflating them here is faster than the
  // browser's asynchronous DecompressionStream, and works in every browser.
  function unpack(packed) {
    return JSON.parse(new TextDecoder().decode(inflate(packed.charCodeAt(0) < 128 ? fromBase64(packed) : unseven(packed))));
  }

  function fromBase64(s) {
    var bin = atob(s), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  // unseven reverses the build's appendSeven (internal/search/pack.go): a
  // character below U+0080 is seven bits; one above is U+0080 + k×128 +
  // g, an exception EXCEPTIONS[k] and then the group g, or, for k = 6, a
  // last group g that is an exception itself. Bits left over at the end
  // are padding.
  var EXCEPTIONS = [0, 10, 13, 34, 60, 92];
  function unseven(s) {
    var out = new Uint8Array(((s.length * 14) >> 3) + 1), len = 0, acc = 0, n = 0;
    function put(g) {
      acc = ((acc << 7) | g) & 0x3fff;
      n += 7;
      if (n >= 8) {
        n -= 8;
        out[len++] = (acc >> n) & 255;
      }
    }
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 128) {
        put(c);
        continue;
      }
      c -= 128;
      if (c >> 7 < EXCEPTIONS.length) put(EXCEPTIONS[c >> 7]);
      put(c & 127);
    }
    return out.subarray(0, len);
  }

  // inflate decodes a zlib stream (RFC 1950, 1951) without checking its
  // checksum; it follows zlib's reference decoder, puff.c.
  var LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  var LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  var DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
  var DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
  var ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
  function inflate(src) {
    var pos = 2, buf = 0, cnt = 0, out = new Uint8Array(src.length * 4 + 64), len = 0;
    function bits(n) {
      while (cnt < n) {
        if (pos >= src.length) throw new Error("inflate: data ends early");
        buf |= src[pos++] << cnt;
        cnt += 8;
      }
      var v = buf & ((1 << n) - 1);
      buf >>>= n;
      cnt -= n;
      return v;
    }
    function put(b) {
      if (len === out.length) { var o = new Uint8Array(out.length * 2); o.set(out); out = o; }
      out[len++] = b;
    }
    // A code table: the number of codes of each length, and the symbols
    // in code order.
    function table(lengths) {
      var count = new Uint16Array(16), offs = new Uint16Array(16), sym = new Uint16Array(lengths.length), i;
      for (i = 0; i < lengths.length; i++) count[lengths[i]]++;
      count[0] = 0;
      for (i = 1; i < 16; i++) offs[i] = offs[i - 1] + count[i - 1];
      for (i = 0; i < lengths.length; i++) if (lengths[i]) sym[offs[lengths[i]]++] = i;
      return { count: count, sym: sym };
    }
    function decode(h) {
      var code = 0, first = 0, index = 0;
      for (var l = 1; l < 16; l++) {
        code |= bits(1);
        var c = h.count[l];
        if (code - first < c) return h.sym[index + code - first];
        index += c;
        first = (first + c) << 1;
        code <<= 1;
      }
      throw new Error("inflate: bad code");
    }
    function codes(lc, dc) {
      for (;;) {
        var sym = decode(lc);
        if (sym < 256) { put(sym); continue; }
        if (sym === 256) return;
        sym -= 257;
        var n = LBASE[sym] + bits(LEXT[sym]), d = decode(dc), dist = DBASE[d] + bits(DEXT[d]);
        if (dist > len) throw new Error("inflate: distance too far");
        for (var k = 0; k < n; k++) put(out[len - dist]);
      }
    }
    var fixedL = new Uint8Array(288), fixedD = new Uint8Array(30), i, last;
    fixedL.fill(8, 0, 144); fixedL.fill(9, 144, 256); fixedL.fill(7, 256, 280); fixedL.fill(8, 280);
    fixedD.fill(5);
    do {
      last = bits(1);
      var type = bits(2);
      if (type === 0) {
        buf = 0; cnt = 0;
        var n = src[pos] | (src[pos + 1] << 8);
        pos += 4;
        if (pos + n > src.length) throw new Error("inflate: data ends early");
        while (n--) put(src[pos++]);
      } else if (type === 1) {
        codes(table(fixedL), table(fixedD));
      } else if (type === 2) {
        var nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
        var cl = new Uint8Array(19);
        for (i = 0; i < ncode; i++) cl[ORDER[i]] = bits(3);
        var clt = table(cl), ls = new Uint8Array(nlen + ndist);
        for (i = 0; i < nlen + ndist;) {
          var sym = decode(clt), rep, val = 0;
          if (sym < 16) { ls[i++] = sym; continue; }
          if (sym === 16) {
            if (i === 0) throw new Error("inflate: repeat without a length");
            val = ls[i - 1];
            rep = 3 + bits(2);
          } else if (sym === 17) rep = 3 + bits(3);
          else rep = 11 + bits(7);
          if (i + rep > ls.length) throw new Error("inflate: too many lengths");
          while (rep--) ls[i++] = val;
        }
        codes(table(ls.subarray(0, nlen)), table(ls.subarray(nlen)));
      } else {
        throw new Error("inflate: bad block type");
      }
    } while (!last);
    return out.subarray(0, len);
  }

  // load adds a <script> once and resolves when it has called back.
  function load(url, name) {
    if (pending[url]) return pending[url];
    pending[url] = new Promise(function (resolve, reject) {
      waiting[name] = { resolve: resolve, reject: reject };
      var s = document.createElement("script");
      s.src = url;
      s.async = true;
      s.onerror = function () { delete pending[url]; reject(new Error("kan " + url + " niet laden")); };
      document.head.appendChild(s);
    });
    return pending[url];
  }

  // fold must equal the Go side (internal/markdown.Fold): lowercase, no
  // diacritics, apostrophes and soft hyphens dropped. FOLD is generated
  // from Go's table: edit internal/markdown/slug.go, run go generate.
  var FOLD = {
    "à": "a", "á": "a", "â": "a", "ã": "a", "ä": "a", "å": "a", "æ": "ae", "ç": "c",
    "è": "e", "é": "e", "ê": "e", "ë": "e", "ì": "i", "í": "i", "î": "i", "ï": "i",
    "ĳ": "ij", "ñ": "n", "ò": "o", "ó": "o", "ô": "o", "õ": "o", "ö": "o", "ø": "o",
    "œ": "oe", "ù": "u", "ú": "u", "û": "u", "ü": "u", "ý": "y", "ÿ": "y", "ß": "ss",
    "š": "s", "ž": "z", "č": "c", "ł": "l"
  };
  function fold(s) {
    var out = "";
    for (var ch of s) {
      if ((ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9")) { out += ch; continue; }
      if (ch >= "A" && ch <= "Z") { out += ch.toLowerCase(); continue; }
      if (ch === "'" || ch === "\u2019" || ch === "\u00ad") continue;
      var lc = ch.toLowerCase();
      out += FOLD[lc] !== undefined ? FOLD[lc] : lc;
    }
    return out;
  }

  // shardKey mirrors shardLayout.shardOf in internal/search/shards.go:
  // the longest shard prefix of key, going one letter deeper while the
  // shorter prefix was split. A split shard lists the letters of its
  // longer shards, so this goes as deep as the loaded shards tell.
  function shardKey(key) {
    var cps = Array.from(key), best = cps.slice(0, 2).join("");
    for (var n = 2; n < cps.length; n++) {
      var sh = shards[best];
      if (!sh || !sh.s || Array.from(sh.s).indexOf(cps[n]) < 0) break;
      best += cps[n];
    }
    return best;
  }
  // roots maps every root shard to the first shard of its file: meta
  // lists the roots of one file space-separated.
  var roots = null;
  function rootFile(k) {
    if (!roots) {
      roots = new Map();
      meta.shards.forEach(function (run) {
        var keys = run.split(" ");
        keys.forEach(function (r) { roots.set(r, keys[0]); });
      });
    }
    return roots.get(k);
  }

  // shardFile returns the first shard of the file that holds shard k: a
  // root's from meta, a longer shard's from the letters its split prefix
  // lists, those of one file space-separated ("b mn v": "gem" is in the
  // file of "gem", "gen" too).
  function shardFile(k) {
    var cps = Array.from(k);
    if (cps.length <= 2) return rootFile(k);
    var parent = cps.slice(0, -1).join(""), last = cps[cps.length - 1];
    var runs = shards[parent].s.split(" ");
    for (var i = 0; i < runs.length; i++) {
      var letters = Array.from(runs[i]);
      if (letters.indexOf(last) >= 0) return parent + letters[0];
    }
    return undefined;
  }

  function hexOf(s) {
    var bytes = new TextEncoder().encode(s), out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }

  function root() { return LB.root; }

  // loadMeta loads the index's statistics, unless the page brought them
  // (a single-file offline copy carries its whole index inline).
  function loadMeta() {
    if (meta) return Promise.resolve();
    return load(new URL(root() + "search/meta.js", document.baseURI).href, "meta");
  }

  // shardURL is the address of a file of the index, asked for with the
  // index's stamp: a file kept from an older index is not used with this
  // one (the files keep their names from build to build).
  function shardURL(name) {
    return new URL(root() + meta.dir + name + (meta.stamp ? "?v=" + meta.stamp : ""), document.baseURI).href;
  }

  // loadShard loads the vocabulary shard of a folded word, if the index
  // has one, and the shards of the split prefixes that lead to it.
  function loadShard(key) {
    var k = shardKey(key), file;
    if (shards[k] || (file = shardFile(k)) === undefined) return Promise.resolve();
    return load(shardURL("v-" + hexOf(file) + ".js"), "v:" + file).then(function () {
      return shards[k] ? loadShard(key) : undefined; // deeper, if k was split
    });
  }

  // loadPostings loads the postings file that holds term, which the
  // shard of the word the term came from names.
  function loadPostings(term) {
    var n = termFiles[term];
    if (n === undefined || postings[n]) return Promise.resolve();
    return load(shardURL("p-" + n + ".js"), "p:" + n);
  }

  // fnv1a is FNV-1a's 32-bit hash of bytes from the offset basis h.
  function fnv1a(bytes, h) {
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h;
  }

  // fmix32 is MurmurHash3's finaliser.
  function fmix32(h) {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  }

  // pairHashes mirrors internal/search/export.go: FNV-1a of the pair's
  // UTF-8 bytes picks its file (pairFile), and that hash and a second one
  // from another offset basis, mixed, are its key (pairHash64 in export.go).
  function pairHashes(pair) {
    var bytes = new TextEncoder().encode(pair), h = fnv1a(bytes, 0x811c9dc5);
    var hex = function (x) { return ("0000000" + fmix32(x).toString(16)).slice(-8); };
    return { file: h % meta.pairFiles, key: hex(h) + hex(fnv1a(bytes, 0x5bd1e995)) };
  }

  function pairFile(pair) { return pairHashes(pair).file; }

  // pairRecord finds a pair's postings in its file, under its key: as many
  // hex digits of its hash as the file's keys have.
  function pairRecord(pair) {
    var h = pairHashes(pair), f = pairPostings[h.file], any = f && Object.keys(f)[0];
    if (!any) return undefined;
    var key = h.key.slice(0, any.length);
    return Object.prototype.hasOwnProperty.call(f, key) ? f[key] : undefined;
  }

  function loadPairs(pair) {
    var n = pairFile(pair);
    if (pairPostings[n]) return Promise.resolve();
    return load(shardURL("q-" + n + ".js"), "q:" + n);
  }

  // pairsOf mirrors Query.Pairs in internal/search/query.go: each word's
  // full-weight term joined to the next word's.
  function pairsOf(words) {
    function exact(w) {
      for (var i = 0; i < w.terms.length; i++) if (w.terms[i].boost === 1) return w.terms[i].term;
      return "";
    }
    var out = [];
    for (var i = 1; i < words.length; i++) {
      var a = exact(words[i - 1]), b = exact(words[i]), p = a + " " + b;
      if (a && b && out.indexOf(p) < 0) out.push(p);
    }
    return out;
  }

  // The facets of the passages (facetTable in internal/search/facets.go):
  // runs of numbers, each with its kind, date and series.
  var facetRuns = null; // [{start, end, kind, date, series}], by start

  function keepFacets(t) {
    var at = 0;
    facetRuns = t.runs.map(function (r) {
      var run = { start: at + r[0], end: at + r[0] + r[1], kind: t.kinds[r[2] - 1] || "", date: t.dates[r[3] - 1] || "", series: t.series[r[4] - 1] || "" };
      at = run.end;
      return run;
    });
  }

  function loadFacets() {
    if (facetRuns || !meta.facets) return Promise.resolve();
    return load(shardURL(meta.facets), "f");
  }

  // The copies of a passage in the editions of a series (threadTable in
  // internal/search/threads.go): groups of passage numbers, oldest
  // edition first; threadOf maps a number to its group and place.
  var threadGroups = [], threadOf = null;

  function keepThreads(t) {
    threadGroups = t.groups;
    threadOf = {};
    t.groups.forEach(function (g, gi) { g.forEach(function (doc, i) { threadOf[doc] = [gi, i]; }); });
  }

  function loadThreads() {
    if (threadOf || !meta.threads) return Promise.resolve();
    return load(shardURL(meta.threads), "t");
  }

  // groupOf is what a passage counts as among results: its group of
  // copies, or itself.
  function groupOf(doc) {
    var at = threadOf && threadOf[doc];
    return at ? "g" + at[0] : "d" + doc;
  }

  // collapse mirrors threadTable.collapse: one hit per group of copies,
  // the newest edition's of those that matched, where the best-ranked
  // copy is, with the other matching editions as also, oldest first.
  function collapse(ranked) {
    if (!threadOf) return ranked;
    var out = [], seen = {}, matched = {};
    ranked.forEach(function (h) { matched[h.doc] = true; });
    ranked.forEach(function (h) {
      var at = threadOf[h.doc];
      if (!at) { out.push(h); return; }
      if (seen[at[0]]) return;
      seen[at[0]] = true;
      var members = threadGroups[at[0]], newest = -1;
      members.forEach(function (doc, k) { if (matched[doc]) newest = k; });
      out.push({ doc: members[newest], score: h.score, facet: h.facet, also: members.filter(function (doc, k) { return matched[doc] && k !== newest; }) });
    });
    return out;
  }

  // letterOfDoc is the number of the letter whose passage has number doc,
  // by the numbering of internal/search/units.go (meta.numbering: units
  // per letter, the first overflow number, overflow units per letter).
  function letterOfDoc(doc) {
    var n = meta.numbering, i = doc >= n[1] ? Math.floor((doc - n[1]) / n[2]) : Math.floor(doc / n[0]);
    return "Lbr. " + ("0" + Math.floor(i / 1000)).slice(-2) + "/" + ("00" + (i % 1000)).slice(-3);
  }

  // facetOf returns the run of a passage's number (kind, date, series).
  function facetOf(doc) {
    var lo = 0, hi = facetRuns ? facetRuns.length : 0;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (facetRuns[mid].end <= doc) lo = mid + 1;
      else hi = mid;
    }
    return lo < (facetRuns ? facetRuns.length : 0) && facetRuns[lo].start <= doc ? facetRuns[lo] : { kind: "", date: "", series: "" };
  }

  function loadDocs(n) {
    if (docShards[n]) return Promise.resolve();
    return load(shardURL("d-" + n + ".js"), "d:" + n);
  }

  function vocabEntry(key) {
    var sh = shards[shardKey(key)];
    if (!sh || !Object.prototype.hasOwnProperty.call(sh.v, key)) return null;
    var v = sh.v[key];
    return typeof v === "number" ? [key, v] : v;
  }

  // maxEdits is bleve's "auto" fuzziness, as words.MaxEdits in internal/search/words.
  function maxEdits(n) { return n > meta.fuzziness[1] ? meta.fuzziness[2] : n > meta.fuzziness[0] ? meta.fuzziness[2] - 1 : 0; }

  function levenshtein(a, b) {
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // addBest mirrors the Go addBest: best candidates first, new terms only.
  function addBest(exp, cands, n, boost) {
    cands.sort(function (a, b) {
      if (a.dist !== b.dist) return a.dist - b.dist;
      if (a.df !== b.df) return b.df - a.df;
      return cmpStr(a.term, b.term);
    });
    var added = 0;
    for (var i = 0; i < cands.length && added < n; i++) {
      if (Object.prototype.hasOwnProperty.call(exp, cands[i].term)) continue;
      exp[cands[i].term] = boost;
      added++;
    }
  }

  function sortedKeys(sh) { return Object.keys(sh.v).sort(cmpStr); }

  function prefixCandidates(key) {
    var k = shardKey(key), sh = shards[k], out = [];
    if (!sh) return out;
    if (k === key && sh.s !== undefined) { // the longer words are in other shards: take the listed best
      // They come best first, without their frequencies: the place
      // stands for the frequency.
      (sh.c || []).forEach(function (e, i, all) {
        if (e[0] !== key) out.push({ term: e[1], dist: 0, df: all.length - i });
      });
      return out;
    }
    sortedKeys(sh).forEach(function (k) {
      if (k !== key && k.indexOf(key) === 0) {
        var e = vocabEntry(k);
        out.push({ term: e[0], dist: 0, df: e[1] });
      }
    });
    return out;
  }

  function fuzzyCandidates(key) {
    var k = Array.from(key), edits = maxEdits(k.length), out = [];
    var sh = shards[shardKey(key)];
    if (!edits || !sh) return out;
    sortedKeys(sh).forEach(function (cand) {
      var c = Array.from(cand);
      if (Math.abs(c.length - k.length) > edits) return;
      var d = levenshtein(k, c);
      if (d <= edits) {
        var e = vocabEntry(cand);
        out.push({ term: e[0], dist: d, df: e[1] });
      }
    });
    return out;
  }

  // stem is bleve's Dutch stemmer (the classic Snowball algorithm, as
  // github.com/blevesearch/snowballstem/dutch generates it), for query
  // words the site does not use ("integriteits"). Its regions count bytes
  // of UTF-8, as the Go code does. TestStemmerIsBleves holds it equal to
  // bleve's.
  var UNACCENT = { "á": "a", "ä": "a", "é": "e", "ë": "e", "í": "i", "ï": "i", "ó": "o", "ö": "o", "ú": "u", "ü": "u" };
  function isVowel(c) { return c !== undefined && "aeiouyè".indexOf(c) >= 0; }
  function stem(word) {
    var w = Array.from(word).map(function (c) { return UNACCENT[c] || c; }), i;
    if (w[0] === "y") w[0] = "Y";
    for (i = 0; i < w.length; i++) {
      if (!isVowel(w[i])) continue;
      if (w[i + 1] === "i" && isVowel(w[i + 2])) w[i + 1] = "I";
      else if (w[i + 1] === "y") w[i + 1] = "Y";
    }
    var off = [0]; // byte offset of each position
    w.forEach(function (c, j) { var n = c.codePointAt(0); off.push(off[j] + (n < 0x80 ? 1 : n < 0x800 ? 2 : n < 0x10000 ? 3 : 4)); });
    // gopast v, gopast non-v: the position after them, or -1.
    function past(from) {
      var j = from;
      while (j < w.length && !isVowel(w[j])) j++;
      if (j++ >= w.length) return -1;
      while (j < w.length && isVowel(w[j])) j++;
      return j++ >= w.length ? -1 : j;
    }
    var end = off[w.length], p1 = end, p2 = end, a = past(0);
    if (a >= 0) {
      p1 = Math.max(off[a], 3);
      var b = past(a);
      if (b >= 0) p2 = off[b];
    }
    function R1(j) { return off[j] >= p1; }
    function R2(j) { return off[j] >= p2; }
    function ends(x) { return w.length >= x.length && w.slice(w.length - x.length).join("") === x; }
    function cut(n) { w.length -= n; }
    function undouble() { if (ends("kk") || ends("dd") || ends("tt")) { cut(1); return true; } return false; }
    var eFound = false;
    function eEnding() {
      eFound = false;
      var j = w.length - 1;
      if (!ends("e") || !R1(j) || j < 1 || isVowel(w[j - 1])) return;
      cut(1);
      eFound = true;
      undouble();
    }
    function enEnding(j) { // the suffix starts at j
      if (!R1(j) || j < 1 || isVowel(w[j - 1]) || w.slice(j - 3, j).join("") === "gem" && j >= 3) return;
      cut(w.length - j);
      undouble();
    }
    var n = w.length;
    if (ends("heden")) {
      if (R1(n - 5)) { cut(5); w.push("h", "e", "i", "d"); }
    } else if (ends("ene")) enEnding(n - 3);
    else if (ends("en")) enEnding(n - 2);
    else if (ends("se") || ends("s")) {
      var j = ends("se") ? n - 2 : n - 1;
      if (R1(j) && j >= 1 && !isVowel(w[j - 1]) && w[j - 1] !== "j") cut(n - j);
    }
    eEnding();
    n = w.length;
    if (ends("heid") && R2(n - 4) && w[n - 5] !== "c") {
      cut(4);
      if (ends("en")) enEnding(w.length - 2);
    }
    n = w.length;
    if (ends("end") || ends("ing")) {
      if (R2(n - 3)) {
        cut(3);
        var m = w.length;
        if (ends("ig") && R2(m - 2) && w[m - 3] !== "e") cut(2);
        else undouble();
      }
    } else if (ends("ig")) {
      if (R2(n - 2) && w[n - 3] !== "e") cut(2);
    } else if (ends("lijk")) {
      if (R2(n - 4)) { cut(4); eEnding(); }
    } else if (ends("baar")) {
      if (R2(n - 4)) cut(4);
    } else if (ends("bar")) {
      if (R2(n - 3) && eFound) cut(3);
    }
    n = w.length;
    var last = w[n - 1], dbl = w.slice(n - 3, n - 1).join("");
    if (n >= 4 && !isVowel(last) && last !== "I" && (dbl === "aa" || dbl === "ee" || dbl === "oo" || dbl === "uu") && !isVowel(w[n - 4])) {
      w.splice(n - 2, 1);
    }
    return w.join("").replace(/Y/g, "y").replace(/I/g, "i");
  }

  var WORD = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;

  // cuts mirrors words.Splits in internal/search/words: every cut of
  // word into a head and a tail of at least minPart letters around a
  // linking element, in the same order.
  var LINKS = ["en", "e", "s", ""];
  function cuts(word) {
    var cps = Array.from(word), min = meta.expansion.minPart, out = [];
    for (var at = min; at <= cps.length - min; at++) {
      var head = cps.slice(0, at).join(""), rest = cps.slice(at).join("");
      LINKS.forEach(function (link) {
        var tail = rest.slice(link.length);
        if (rest.indexOf(link) === 0 && Array.from(tail).length >= min) out.push({ at: at, head: head, tail: tail });
      });
    }
    return out;
  }

  // bestSplit mirrors bestSplit in compound.go: of the cuts with a part
  // that is a word (its shard loaded), both parts words first, then the
  // earliest cut; it returns the parts' terms, "" for one not a word.
  function bestSplit(word) {
    var best = null;
    cuts(word).forEach(function (c) {
      var h = vocabEntry(c.head), t = vocabEntry(c.tail), words = (h ? 1 : 0) + (t ? 1 : 0);
      if (words && (!best || words > best.words || (words === best.words && c.at < best.at))) {
        best = { at: c.at, words: words, parts: [h ? h[0] : "", t ? t[0] : ""] };
      }
    });
    return best;
  }

  function compoundsOf(key) {
    var sh = shards[shardKey(key)];
    return sh && sh.x && Object.prototype.hasOwnProperty.call(sh.x, key) ? sh.x[key] : [];
  }

  // parseSyntax mirrors parseSyntax in internal/search/syntax.go: the
  // phrases in double quotes, the words after a minus, and the rest.
  function parseSyntax(q) {
    var s = { text: "", phrases: [], excluded: [], open: false }, quoted = false, phrase = "";
    function endPhrase() {
      var ws = phrase.toLowerCase().match(WORD) || [];
      if (ws.length) s.phrases.push(ws);
      phrase = "";
    }
    q.split(/(["\u201c\u201d\u201e])/).forEach(function (part, i) {
      if (i % 2 === 1) {
        if (quoted) endPhrase();
        quoted = !quoted;
        s.text += " ";
        return;
      }
      if (quoted) {
        phrase += part;
        s.text += part;
        return;
      }
      part.split(/\s+/).forEach(function (tok) {
        if (tok.length > 1 && tok.charAt(0) === "-") s.excluded = s.excluded.concat(tok.slice(1).toLowerCase().match(WORD) || []);
        else if (tok) s.text += tok + " ";
      });
      s.text += " ";
    });
    if (quoted) {
      var n = s.phrases.length;
      endPhrase();
      s.open = s.phrases.length > n;
    }
    return s;
  }

  // verbBase mirrors verbBase in internal/search/query.go: a word without
  // the -t or -d of a verb form, or "" for a word too short to tell.
  function verbBase(w) {
    return Array.from(w).length >= 6 && /[td]$/.test(w) ? w.slice(0, -1) : "";
  }

  // exactTerm mirrors Dictionary.exactTerm: the term a word stands for
  // as typed or as its stem (their shards loaded), else null.
  function exactTerm(w) {
    if (meta.stop.indexOf(w) >= 0) return null;
    var e = vocabEntry(fold(w)) || vocabEntry(fold(stem(w)));
    return e ? e[0] : null;
  }

  // analyze mirrors Dictionary.Analyze in internal/search/query.go: the
  // words with their expansions, the phrases and the excluded terms.
  function analyze(q, typing) {
    q = Array.from(q).slice(0, meta.expansion.maxRunes).join("");
    var syn = parseSyntax(q);
    if (typing && syn.open) syn.phrases.pop(); // the reader is still typing the phrase
    var exact = [].concat.apply(syn.excluded, syn.phrases);
    q = syn.text;
    var toks = (q.toLowerCase().match(WORD) || []).filter(function (t) { return meta.stop.indexOf(t) < 0; });
    // Question words go when there is anything else (dropQuestionWords).
    var told = toks.filter(function (t, i) { return meta.question.indexOf(t) < 0 || (typing && i === toks.length - 1); });
    if (told.length) toks = told;
    toks = toks.slice(0, meta.expansion.maxWords);
    var looked = toks.concat(exact);
    return Promise.all(looked.map(function (t) { return loadShard(fold(t)); })).then(function () {
      // A word the site does not use is looked up by its stem, and a verb
      // form by the stem without its ending (verbBase).
      return Promise.all(looked.map(function (t) {
        if (vocabEntry(fold(t))) return null;
        var base = verbBase(t);
        return Promise.all([loadShard(fold(stem(t))), base ? loadShard(fold(stem(base))) : null]);
      }));
    }).then(function () {
      var x = meta.expansion, found = [], unknown = [];
      toks.forEach(function (tok, i) {
        var key = fold(tok), exp = {}, e = vocabEntry(key), from = key;
        if (!e) e = vocabEntry(from = fold(stem(tok)));
        var base = verbBase(tok), be = !e && base && vocabEntry(fold(stem(base)));
        if (be) {
          e = be;
          from = fold(stem(base));
        }
        if (e) {
          exp[e[0]] = 1;
          compoundsOf(from).forEach(function (c) { if (!Object.prototype.hasOwnProperty.call(exp, c)) exp[c] = x.compound; });
        }
        var last = typing && i === toks.length - 1;
        if ((last || !Object.keys(exp).length) && Array.from(key).length >= x.minPrefixLen) {
          addBest(exp, prefixCandidates(key), x.maxPrefix, Object.keys(exp).length ? x.prefixExact : x.prefix);
        }
        if (!Object.keys(exp).length) addBest(exp, fuzzyCandidates(key), x.maxFuzzy, x.fuzzy);
        found.push(exp);
        if (!Object.keys(exp).length) unknown.push(i);
      });
      // A word found no way is cut into parts: load every part's shard.
      var more = [];
      unknown.forEach(function (i) {
        cuts(fold(stem(toks[i]))).forEach(function (c) { more.push(loadShard(c.head), loadShard(c.tail)); });
      });
      return Promise.all(more).then(function () {
        var words = [];
        toks.forEach(function (tok, i) {
          var exp = found[i];
          if (!Object.keys(exp).length) {
            var s = bestSplit(fold(stem(tok)));
            if (s) s.parts.forEach(function (p) {
              if (p && words.length < x.maxWords) words.push({ text: tok, terms: [{ term: p, boost: 1 }] });
            });
            return;
          }
          if (words.length === x.maxWords) return;
          var terms = Object.keys(exp).sort(cmpStr).map(function (t) { return { term: t, boost: exp[t] }; });
          words.push({ text: tok, terms: terms });
        });
        var phrases = [], exclude = [];
        syn.phrases.forEach(function (p) {
          var terms = [];
          p.forEach(function (w) {
            var t = exactTerm(w);
            if (t) terms.push(t);
            else if (meta.stop.indexOf(w) < 0) terms.push(fold(w));
          });
          if (terms.length) phrases.push(terms);
        });
        syn.excluded.forEach(function (w) {
          var t = exactTerm(w);
          if (t && exclude.indexOf(t) < 0) exclude.push(t);
        });
        return { words: words, phrases: phrases, exclude: exclude };
      });
    });
  }

  // field reads field fi of a postings record (postingsRecord in
  // internal/search/export.go): its document frequency, and its postings
  // as (document delta, frequency, length) triples from index `from`. A
  // list whose length is not a multiple of three starts with the
  // negative document frequency of postings that were thinned.
  function field(rec, fi) {
    var p = (rec && rec[fi]) || [];
    return p.length % 3 ? { df: -p[0], postings: p, from: 1 } : { df: p.length / 3, postings: p, from: 0 };
  }

  function termRecord(term) {
    var p = postings[termFiles[term]];
    return p && Object.prototype.hasOwnProperty.call(p, term) ? p[term] : undefined;
  }

  // score mirrors bleve (Query.Bleve in internal/search/query.go): per word
  // a disjunction of term queries over every word field and expansion; the
  // words, and with several words their conjunction, in a disjunction;
  // BM25 per term query (bleve's search/scorer/scorer_term.go) and a
  // coordination factor per disjunction; and with neighbouring words,
  // one more clause: their pairs in the pairs field.
  function score(words) {
    var loads = [], pairs = pairsOf(words);
    words.forEach(function (w) { w.terms.forEach(function (e) { loads.push(loadPostings(e.term)); }); });
    pairs.forEach(function (p) { loads.push(loadPairs(p)); });
    return Promise.all(loads).then(function () {
      var N = meta.n, k1 = meta.k1, b = meta.b, leaves = [], sumSq = 0;
      function leaf(group, rec, fi, weight) {
        var f = field(rec, fi), df = f.df, avg = meta.avg[fi];
        var idf = avg > 0 ? Math.log(1 + (N - df + 0.5) / (df + 0.5)) : 1 + Math.log(N / (df + 1));
        var boost = meta.boost[fi] * weight;
        leaves.push({ word: group, field: fi, idf: idf, boost: boost, avg: avg, postings: f.postings, from: f.from });
        return (boost * idf) * (boost * idf);
      }
      words.forEach(function (w, wi) {
        w.terms.forEach(function (e) {
          var rec = termRecord(e.term);
          for (var fi = 0; fi < meta.wordFields; fi++) sumSq += leaf(wi, rec, fi, e.boost);
        });
      });
      // With several words, a conjunction of all of them is one more clause
      // of the top disjunction: it repeats every leaf in the query norm.
      var clauses = words.length > 1 ? words.length + 1 : 1;
      if (words.length > 1) sumSq *= 2;
      // The pairs of neighbouring words are one more clause: a
      // disjunction of their terms in the pairs field.
      var pairField = meta.fields.length - 1;
      pairs.forEach(function (p) {
        sumSq += leaf(words.length, pairRecord(p), pairField, 1);
      });
      if (pairs.length) clauses++;
      var qnorm = 1 / Math.sqrt(sumSq);
      var groups = words.length + (pairs.length ? 1 : 0);
      var perWord = [], leavesPerWord = [];
      for (var g = 0; g < groups; g++) { perWord.push({}); leavesPerWord.push(0); } // doc -> [sum, matched leaves]
      leaves.forEach(function (l) {
        leavesPerWord[l.word]++;
        var qw = l.boost * l.idf * qnorm, p = l.postings, doc = 0;
        for (var i = l.from; i < p.length; i += 3) {
          doc += p[i];
          var tf = Math.sqrt(p[i + 1]), norm = Math.fround(1 / Math.sqrt(p[i + 2]));
          var s;
          if (l.avg > 0) {
            var len = 1 / (norm * norm);
            s = l.idf * (tf * k1) / (tf + k1 * (1 - b + b * len / l.avg));
          } else {
            s = tf * norm * l.idf;
          }
          if (qw !== 1) s *= qw;
          var acc = perWord[l.word][doc] || (perWord[l.word][doc] = [0, 0]);
          acc[0] += s;
          acc[1]++;
        }
      });
      var total = {}, matched = {}, pairScore = {};
      perWord.forEach(function (docs, wi) {
        Object.keys(docs).forEach(function (d) {
          var a = docs[d], s = a[0] * (a[1] / leavesPerWord[wi]);
          if (wi === words.length) { pairScore[d] = s; return; }
          total[d] = (total[d] || 0) + s;
          matched[d] = (matched[d] || 0) + 1;
        });
      });
      return Object.keys(total).map(function (d) {
        var sum = total[d], n = matched[d];
        if (words.length > 1 && n === words.length) { sum += total[d]; n++; }
        if (pairScore[d] !== undefined) { sum += pairScore[d]; n++; }
        return { doc: +d, score: sum * (n / clauses) };
      }).sort(function (x, y) { return y.score - x.score || x.doc - y.doc; });
    });
  }

  // docsOf returns the documents of a postings record in fields (a set).
  function docsOf(rec, fields) {
    var set = {};
    fields.forEach(function (fi) {
      var f = field(rec, fi), p = f.postings, doc = 0;
      for (var i = f.from; i < p.length; i += 3) {
        doc += p[i];
        set[doc] = true;
      }
    });
    return set;
  }

  // admits mirrors the filter and the exclusions of Query.Bleve: it
  // resolves to a test of whether a passage holds every phrase (their
  // terms' pairs; a phrase of one term in any word field) and no
  // excluded term in its title or text.
  function admits(a) {
    var loads = [], pairField = meta.fields.length - 1, wordFields = [], titleBody = [meta.fields.indexOf("title"), meta.fields.indexOf("body")];
    for (var fi = 0; fi < meta.wordFields; fi++) wordFields.push(fi);
    function pairs(p) {
      var out = [];
      for (var i = 1; i < p.length; i++) out.push(p[i - 1] + " " + p[i]);
      return out;
    }
    a.phrases.forEach(function (p) {
      if (p.length === 1) loads.push(loadPostings(p[0]));
      else pairs(p).forEach(function (pr) { loads.push(loadPairs(pr)); });
    });
    a.exclude.forEach(function (t) { loads.push(loadPostings(t)); });
    return Promise.all(loads).then(function () {
      var need = [];
      a.phrases.forEach(function (p) {
        if (p.length === 1) need.push(docsOf(termRecord(p[0]), wordFields));
        else pairs(p).forEach(function (pr) { need.push(docsOf(pairRecord(pr), [pairField])); });
      });
      var out = a.exclude.map(function (t) { return docsOf(termRecord(t), titleBody); });
      return function (doc) {
        return need.every(function (s) { return s[doc]; }) && !out.some(function (s) { return s[doc]; });
      };
    });
  }

  // narrowed counts the passages of ranked by kind, year and series
  // (each count with the other two of narrow's filters applied, as a
  // reader would get by choosing it), keeps those that pass all three
  // and sorts them by date (newest first) when narrow.sorteer asks.
  function narrowed(ranked, narrow) {
    var counts = { soort: {}, jaar: {}, reeks: {} };
    function pass(f, skip) {
      return (skip === "soort" || !narrow.soort || f.kind === narrow.soort) &&
        (skip === "jaar" || !narrow.jaar || f.date.slice(0, 4) === narrow.jaar) &&
        (skip === "reeks" || !narrow.reeks || f.series === narrow.reeks);
    }
    var counted = {}; // a group of copies counts once per value
    function count(dim, v, group) {
      var key = dim + "\u0000" + v + "\u0000" + group;
      if (v && !counted[key]) {
        counted[key] = true;
        counts[dim][v] = (counts[dim][v] || 0) + 1;
      }
    }
    ranked.forEach(function (h) {
      var f = h.facet = facetOf(h.doc), g = groupOf(h.doc);
      if (pass(f, "soort")) count("soort", f.kind, g);
      if (pass(f, "jaar")) count("jaar", f.date.slice(0, 4), g);
      if (pass(f, "reeks")) count("reeks", f.series, g);
    });
    var kept = ranked.filter(function (h) { return pass(h.facet); });
    if (narrow.sorteer === "datum") {
      kept.sort(function (x, y) {
        return (y.facet.date > x.facet.date) - (y.facet.date < x.facet.date) || y.score - x.score || x.doc - y.doc;
      });
    }
    return { hits: kept, counts: counts };
  }

  // search runs a query and returns its best hits with their stored
  // fields. With narrow ({soort, jaar, reeks, sorteer}, the results
  // page's), the hits are narrowed and sorted so, and counted by facet.
  function search(q, typing, limit, narrow) {
    // One or two letters while typing find little worth reading and
    // would load the index of every word they start: the live results
    // wait for a third (Enter searches at once).
    if (typing && Array.from(q.trim()).length < LB.minLive) return Promise.resolve({ words: [], hits: [], total: 0, short: true });
    return loadMeta().then(function () { return analyze(q, typing); }).then(function (a) {
      var words = a.words;
      if (!words.length) return { words: words, hits: [], total: 0 };
      return Promise.all([score(words), admits(a), narrow ? loadFacets() : null, loadThreads()]).then(function (r) {
        var ranked = r[0].filter(function (h) { return r[1](h.doc); }), counts = null;
        if (narrow) {
          var n = narrowed(ranked, narrow);
          ranked = n.hits;
          counts = n.counts;
        }
        ranked = collapse(ranked);
        var top = ranked.slice(0, limit);
        var per = meta.docsPerShard, docs = [];
        top.forEach(function (h) { docs.push(h.doc); docs.push.apply(docs, h.also || []); });
        var row = function (doc) { return docShards[Math.floor(doc / per)][doc % per]; };
        return Promise.all(docs.map(function (doc) { return loadDocs(Math.floor(doc / per)); })).then(function () {
          top.forEach(function (h) {
            var r = row(h.doc);
            h.url = r[0]; h.title = r[1]; h.context = r[2]; h.date = r[3]; h.kind = r[4]; h.body = r[5];
            if (h.also) h.also = h.also.map(function (doc) { return { letter: letterOfDoc(doc), url: row(doc)[0] }; });
          });
          return { words: words, hits: top, total: ranked.length, counts: counts };
        });
      });
    });
  }

  // markedKeys lists the folded words that stand for a matched term, so a
  // snippet can mark "hennepkwekerijen" for the query "hennepkwekerij".
  function markedKeys(words) {
    var terms = {}, keys = {};
    words.forEach(function (w) { w.terms.forEach(function (e) { terms[e.term] = true; }); });
    Object.keys(shards).forEach(function (k) {
      var v = shards[k].v;
      Object.keys(v).forEach(function (key) {
        var t = typeof v[key] === "number" ? key : v[key][0];
        if (terms[t]) keys[key] = true;
      });
      (shards[k].c || []).forEach(function (e) { if (terms[e[1]]) keys[e[0]] = true; });
    });
    return keys;
  }

  function escapeHTML(s) {
    return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  // snippet returns HTML: the stretch of body with the most marked words.
  function snippet(body, keys) {
    var toks = [], m, re = new RegExp(WORD.source, "gu");
    while ((m = re.exec(body))) toks.push({ start: m.index, end: m.index + m[0].length, mark: !!keys[fold(m[0])] });
    if (!toks.length) return "";
    // The window of W words with the most marked words, earliest first;
    // then moved left a little so the first marked word has some context.
    var W = 26, best = 0, bestCount = 0, count = 0, i;
    for (i = 0; i < toks.length; i++) {
      if (toks[i].mark) count++;
      if (i >= W && toks[i - W].mark) count--;
      if (count > bestCount) { bestCount = count; best = Math.max(0, i - W + 1); }
    }
    var first = best;
    while (first < toks.length && !toks[first].mark) first++;
    var from = first < toks.length ? Math.max(0, Math.min(best, first - 6)) : 0;
    var to = Math.min(toks.length, from + W);
    var out = from > 0 ? "… " : "", pos = toks[from].start;
    for (i = from; i < to; i++) {
      out += escapeHTML(body.slice(pos, toks[i].start));
      var w = escapeHTML(body.slice(toks[i].start, toks[i].end));
      out += toks[i].mark ? "<mark>" + w + "</mark>" : w;
      pos = toks[i].end;
    }
    return out + (to < toks.length ? " …" : escapeHTML(body.slice(pos)));
  }

  // corrected returns, for each query word that the index does not hold
  // as typed, the word whose term it was taken for (its likeliest
  // spelling); words found as typed are left out.
  function corrected(words) {
    var out = [];
    words.forEach(function (w) {
      var best = null;
      w.terms.forEach(function (e) {
        if (!best || e.boost > best.boost) best = e;
      });
      if (!best || best.boost >= 1) return;
      // Of the words that stand for the term, the one nearest to what
      // was typed ("ondermijning" for "ondremijning", not "ondermijn").
      var typed = fold(w.text), word = null, dist = Infinity;
      Object.keys(shards).sort().forEach(function (k) {
        var v = shards[k].v;
        Object.keys(v).sort().forEach(function (key) {
          var t = typeof v[key] === "number" ? key : v[key][0];
          if (t !== best.term) return;
          var d = levenshtein(typed, key);
          if (d < dist) { word = key; dist = d; }
        });
      });
      if (word) out.push([w.text, word]);
    });
    return out;
  }

  // synonymsUsed returns, for each query word that the titles and texts
  // never use but that was found through a synonym (added to the
  // passages' extra field at index time), the words it stands for.
  function synonymsUsed(words) {
    var out = [];
    words.forEach(function (w) {
      var term = null;
      w.terms.forEach(function (e) { if (e.boost === 1 && !term) term = e.term; });
      var syn = term && meta.synonyms && Object.prototype.hasOwnProperty.call(meta.synonyms, term) ? meta.synonyms[term] : null;
      var rec = term ? termRecord(term) : undefined;
      if (syn && rec && field(rec, 0).df + field(rec, 1).df === 0) out.push([w.text, syn]);
    });
    return out;
  }

  LB.search = search;
  // live is how many results the field shows while the reader types: each
  // is a text file to load, and most readers look at the first few; Enter
  // and the results page show ten at a time.
  LB.live = 5;
  // minLive is the least number of characters the live results search.
  LB.minLive = 3;
  LB.stem = stem;
  LB.corrected = corrected;
  LB.synonymsUsed = synonymsUsed;
  LB.loadMeta = loadMeta;
  LB.analyze = function (q, typing) { return loadMeta().then(function () { return analyze(q, typing); }); };
  LB.snippet = snippet;
  LB.markedKeys = markedKeys;
  LB.escapeHTML = escapeHTML;
  LB.unpack = unpack;
})();

/* The search form: live results under the field, keyboard operable. */
(function () {
  "use strict";
  var form = document.querySelector("form[role=search]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var out = document.getElementById(input.getAttribute("aria-controls"));
  LB.root = form.getAttribute("data-root") || "";
  // The engine loads when the field gets the focus; the statistics every
  // search needs come with it, so that the first search waits for less
  // (a failure shows when the reader searches).
  LB.loadMeta().catch(function () {});
  var seq = 0;

  function links() { return Array.prototype.slice.call(out.querySelectorAll("a")); }

  // href is a result's link, which passes the words to mark where it
  // lands (keys, folded: site.js's LB_mark marks them). In a single-file
  // copy (LB_HERE maps each page to where it starts in the file) it is a
  // place in the file, and follow marks them.
  function href(url, keys) {
    var here = window.LB_HERE, i = url.indexOf("#");
    if (!here) {
      var mark = keys.length ? "?markeer=" + encodeURIComponent(keys.join(" ")) : "";
      return i >= 0 ? LB.root + url.slice(0, i) + mark + url.slice(i) : LB.root + url + mark;
    }
    return "#" + (i >= 0 ? url.slice(i + 1) : here[url] || "lb_title");
  }

  // marking is what a list of results marks, worked out once for all
  // its hits: the folded words that stand for a term the query matched
  // (keys, for the snippets), and at most forty of them for the page a
  // result leads to (list).
  function marking(words) {
    var keys = LB.markedKeys(words);
    return { keys: keys, list: Object.keys(keys).sort().slice(0, 40) };
  }

  var MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

  // dutchDate writes YYYY-MM-DD as "6 december 2021".
  function dutchDate(d) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d || "");
    return m ? +m[3] + " " + MONTHS[+m[2] - 1] + " " + m[1] : "";
  }

  // hitHTML is one result of a list; withDate adds its letter's date.
  function hitHTML(h, mark, withDate) {
    var date = withDate && dutchDate(h.date);
    var link = function (url, text) {
      return '<a href="' + LB.escapeHTML(href(url, mark.list)) + '" data-mark="' + LB.escapeHTML(mark.list.join(" ")) + '">' + LB.escapeHTML(text) + "</a>";
    };
    var also = (h.also || []).map(function (e) { return link(e.url, e.letter); }).join(", ");
    return "<li>" + link(h.url, h.title) +
      '<span class="search-context">' + LB.escapeHTML(h.context) + (date ? " · " + date : "") + "</span>" +
      '<span class="search-snippet">' + LB.snippet(h.body, mark.keys) + "</span>" +
      (also ? '<span class="search-also">ook in ' + also + "</span>" : "") + "</li>";
  }

  // follow marks, in a single-file copy, the words of a result the reader
  // follows, and closes the list under the field: the page does not load
  // anew there.
  function follow(e) {
    var a = e.target.closest && e.target.closest("a[data-mark]");
    if (!a || !window.LB_HERE || typeof window.LB_mark !== "function") return;
    var id = decodeURIComponent(a.getAttribute("href").slice(1)), keys = a.getAttribute("data-mark").split(" ");
    setTimeout(function () {
      if (out.contains(a)) clear();
      window.LB_mark(id, keys);
    }, 0);
  }
  document.addEventListener("click", follow);

  function clear() { seq++; out.innerHTML = ""; }

  function render(res, q) {
    var n = res.hits.length;
    if (!n) {
      out.innerHTML = '<p class="search-status">Geen resultaten voor “' + LB.escapeHTML(q) +
        "”. Probeer een ander woord of een kortere zoekvraag.</p>";
      return;
    }
    var html = '<p class="search-status">' + (res.total > n ? "De beste " + n + " van " + res.total : String(n)) +
      (n === 1 && res.total === 1 ? " resultaat" : " resultaten") + " voor “" + LB.escapeHTML(q) + "”</p><ol class=\"search-hits\">";
    var mark = marking(res.words);
    res.hits.forEach(function (h) { html += hitHTML(h, mark); });
    html += "</ol>";
    // More than the field shows: the results page has them all (a
    // single-file copy has no results page; Enter shows ten there).
    if (res.total > n && !window.LB_HERE) {
      html += '<p class="search-all"><a href="' + LB.escapeHTML(form.getAttribute("action") + "?q=" + encodeURIComponent(q)) + '">Alle ' + res.total + " resultaten</a></p>";
    }
    out.innerHTML = html;
  }

  function run(typing) {
    var q = input.value, my = ++seq;
    if (!q.trim()) { clear(); return; }
    LB.search(q, typing, typing ? LB.live : 10).then(function (res) {
      if (my !== seq) return;
      if (res.short) out.innerHTML = "";
      else render(res, q.trim());
    }, function (err) {
      if (my === seq) out.innerHTML = '<p class="search-status">Zoeken lukt niet: ' + LB.escapeHTML(err.message) + "</p>";
    });
  }

  input.addEventListener("input", function () { run(true); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value.trim();
    if (page && q) {
      clear();
      // A new question starts unfiltered, in the order chosen.
      narrow = { soort: "", jaar: "", reeks: "", sorteer: narrow.sorteer };
      showPage(q, 10);
      remember(q);
      return;
    }
    run(false);
  });
  form.addEventListener("keydown", function (e) {
    var ls = links(), i = ls.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && ls.length) {
      e.preventDefault();
      ls[Math.min(i + 1, ls.length - 1)].focus();
    } else if (e.key === "ArrowUp" && ls.length && i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus(); else ls[i - 1].focus();
    } else if (e.key === "Escape") {
      clear();
      input.focus();
    }
  });

  // The search page (zoeken/?q=…) shows the whole ranked list in the
  // page, ten at a time: an address to bookmark or share.
  // showPage shows the first limit results of q; the result numbered
  // focusAt, if given, takes the focus.
  var page = document.getElementById("lb_search_page");
  // narrow is what the results are narrowed by and sorted by, as the
  // address says: soort (one of KINDS), jaar, reeks, sorteer (datum).
  var DIMS = ["soort", "jaar", "reeks", "sorteer"];
  var KINDS = { brief: "Brief", bijlage: "Bijlage", handreiking: "Handreiking", pagina: "Pagina" };
  var narrow = {};
  DIMS.forEach(function (d) { narrow[d] = param(d); });

  // param reads a parameter of the address ("" when absent or malformed).
  function param(name) {
    var m = new RegExp("[?&]" + name + "=([^&#]*)").exec(location.search);
    if (!m) return "";
    try {
      return decodeURIComponent(m[1].replace(/\+/g, " "));
    } catch (err) { // a malformed %-escape: taken as written
      return m[1];
    }
  }

  // remember puts q and narrow in the address, to bookmark and share.
  function remember(q) {
    var s = "?q=" + encodeURIComponent(q);
    DIMS.forEach(function (d) { if (narrow[d]) s += "&" + d + "=" + encodeURIComponent(narrow[d]); });
    try {
      history.replaceState(null, "", s);
    } catch (err) { // some browsers refuse it on file://: the list is shown all the same
    }
  }

  // seriesName is a series' id as words: "positie-raadsleden" → "Positie raadsleden".
  function seriesName(id) {
    var s = id.replace(/-/g, " ");
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  // filtersHTML is the results page's narrowing: a list box per facet,
  // each value with its count, and the order.
  function filtersHTML(counts) {
    function box(dim, label, all, values, name) {
      var total = 0, html = "";
      values.forEach(function (v) { total += counts[dim][v] || 0; });
      if (narrow[dim] && values.indexOf(narrow[dim]) < 0) values = values.concat([narrow[dim]]);
      html += '<p><label for="lb_f_' + dim + '">' + label + '</label><select id="lb_f_' + dim + '" data-dim="' + dim + '">' +
        '<option value="">' + all + " (" + total + ")</option>";
      values.forEach(function (v) {
        html += '<option value="' + LB.escapeHTML(v) + '"' + (narrow[dim] === v ? " selected" : "") + ">" +
          LB.escapeHTML(name(v)) + " (" + (counts[dim][v] || 0) + ")</option>";
      });
      return html + "</select></p>";
    }
    var kinds = Object.keys(KINDS).filter(function (k) { return counts.soort[k] || narrow.soort === k; });
    var years = Object.keys(counts.jaar).sort().reverse();
    var series = Object.keys(counts.reeks).sort(function (a, b) { return seriesName(a).localeCompare(seriesName(b), "nl") || (a < b ? -1 : a > b ? 1 : 0); });
    var html = '<div class="search-filters" role="group" aria-label="Resultaten verfijnen">' +
      box("soort", "Soort", "Alle soorten", kinds, function (k) { return KINDS[k] || k; }) +
      box("jaar", "Jaar", "Alle jaren", years, function (y) { return y; });
    if (series.length || narrow.reeks) html += box("reeks", "Reeks", "Alle reeksen", series, seriesName);
    return html + '<p><label for="lb_f_sorteer">Volgorde</label><select id="lb_f_sorteer" data-dim="sorteer">' +
      '<option value="">Best passend eerst</option><option value="datum"' + (narrow.sorteer === "datum" ? " selected" : "") + ">Nieuwste eerst</option></select></p></div>";
  }

  if (page) {
    page.addEventListener("change", function (e) {
      var dim = e.target.getAttribute && e.target.getAttribute("data-dim"), q = input.value.trim();
      if (!dim || !q) return;
      narrow[dim] = e.target.value;
      remember(q);
      showPage(q, 10, undefined, e.target.id);
    });
  }

  // showPage shows the first limit results of q, narrowed as narrow says;
  // the result numbered focusAt, or the element with id focusID, if
  // given, takes the focus.
  function showPage(q, limit, focusAt, focusID) {
    var my = ++seq;
    LB.search(q, false, limit, narrow).then(function (res) {
      if (my !== seq) return;
      var html = "";
      var fixes = LB.corrected(res.words), syns = LB.synonymsUsed(res.words);
      if (fixes.length || syns.length) {
        html += '<p class="search-status">' + fixes.map(function (f) {
          return "Geen treffers voor “" + LB.escapeHTML(f[0]) + "”; resultaten voor “" + LB.escapeHTML(f[1]) + "”.";
        }).concat(syns.map(function (s) {
          return "“" + LB.escapeHTML(s[0]) + "” staat niet in de tekst; resultaten voor " +
            s[1].map(function (w) { return "“" + LB.escapeHTML(w) + "”"; }).join(", ") + ".";
        })).join(" ") + "</p>";
      }
      var narrowed = narrow.soort || narrow.jaar || narrow.reeks;
      if (res.counts && (res.hits.length || narrowed)) html += filtersHTML(res.counts);
      if (!res.hits.length && narrowed) {
        page.innerHTML = html + '<p class="search-status">Geen resultaten voor “' + LB.escapeHTML(q) + "” met deze keuze. Kies hierboven een andere soort, een ander jaar of een andere reeks.</p>";
        if (focusID && document.getElementById(focusID)) document.getElementById(focusID).focus();
        return;
      }
      if (!res.hits.length) {
        page.innerHTML = html + '<p class="search-status">Geen resultaten voor “' + LB.escapeHTML(q) + "”.</p>" +
          "<p>Probeer een ander of korter woord, of zoek op het nummer van een brief (zoals 21/082). U kunt ook bladeren: " +
          '<a href="' + LB.escapeHTML(LB.root) + 'index.html">alle brieven</a>, ' +
          '<a href="' + LB.escapeHTML(LB.root) + 'handreikingen/index.html">alle handreikingen</a> of ' +
          '<a href="' + LB.escapeHTML(LB.root) + 'afkortingen/index.html">de afkortingen</a>.</p>';
        return;
      }
      html += '<p class="search-status">' + res.total + (res.total === 1 ? " resultaat" : " resultaten") + " voor “" + LB.escapeHTML(q) + "”" +
        (narrowed ? ", verfijnd" : "") + (narrow.sorteer === "datum" ? ", nieuwste eerst" : "") + "</p><ol class=\"search-hits\">";
      var mark = marking(res.words);
      res.hits.forEach(function (h) { html += hitHTML(h, mark, narrow.sorteer === "datum"); });
      html += "</ol>";
      if (res.total > res.hits.length) html += '<p><button type="button" class="more">Meer resultaten</button></p>';
      page.innerHTML = html;
      var items = page.querySelectorAll(".search-hits li a");
      if (focusAt !== undefined && items.length > focusAt) items[focusAt].focus();
      if (focusID && document.getElementById(focusID)) document.getElementById(focusID).focus();
      var more = page.querySelector("button.more");
      if (more) more.addEventListener("click", function () {
        // The first new result takes the focus.
        showPage(q, limit + 10, page.querySelectorAll(".search-hits li").length);
      });
    }, function (err) {
      if (my === seq) page.innerHTML = '<p class="search-status">Zoeken lukt niet: ' + LB.escapeHTML(err.message) + "</p>";
    });
  }

  var m = /[?&]q=([^&#]*)/.exec(location.search);
  if (m && !input.value) {
    var text = m[1].replace(/\+/g, " ");
    try {
      text = decodeURIComponent(text);
    } catch (err) { // a malformed %-escape: take the query as written
    }
    input.value = text;
    if (page && text.trim()) showPage(text.trim(), 10);
    else run(false);
  } else if (input.value) {
    run(true);
  }
})();
