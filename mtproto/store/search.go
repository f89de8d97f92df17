package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// SearchHit is one message found by Search. For cloud messages Ref.ID is the
// message id; for secret chats (Ref.Peer.Kind == PeerSecret) it is the random id.
type SearchHit struct {
	Ref  MessageRef
	Date time.Time
	Text string
}

// MessageRef names a message of either kind: a cloud message (Peer, message id)
// or a secret chat message (SecretPeer(chat), random id).
type MessageRef struct {
	Peer Peer
	ID   int64
}

// maxQueryTerms bounds the number of words of a search query.
const maxQueryTerms = 16

// Search finds up to limit messages, cloud and secret, containing every word of
// query (the last word also as a prefix). Of each kind it takes the limit most
// recently stored matches (the FTS index walks them in storage order, so the
// cost does not grow with the number of matches), then orders the hits newest
// first by date. For history stored oldest to newest these are the newest
// matches; pages of older history fetched later count as recently stored.
// query is plain user
// input: it is never interpreted as FTS5 syntax, so quotes, operators (AND, OR,
// NOT, NEAR), '*', '^', ':' and parentheses are just text. A query without any
// searchable word returns no hits.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]SearchHit, error) {
	match := ftsQuery(query)
	if match == "" || limit <= 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT * FROM (
	SELECT m.peer_kind, m.peer_id, m.id, m.date, m.text FROM messages m
	WHERE m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
	UNION ALL
	SELECT 4, sm.chat_id, sm.random_id, sm.date, sm.text FROM secret_messages sm
	WHERE sm.rowid IN (SELECT rowid FROM secret_messages_fts WHERE secret_messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
)`, match, limit)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	defer rows.Close()
	var hits []SearchHit
	for rows.Next() {
		var h SearchHit
		var date int64
		if err := rows.Scan(&h.Ref.Peer.Kind, &h.Ref.Peer.ID, &h.Ref.ID, &date, &h.Text); err != nil {
			return nil, fmt.Errorf("store: search: %w", err)
		}
		h.Date = unixTime(date)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	slices.SortStableFunc(hits, func(a, b SearchHit) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return cmp.Compare(b.Ref.ID, a.Ref.ID)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}

// ftsQuery turns user input into a safe FTS5 MATCH expression: every word
// becomes a quoted string (quotes doubled inside), words are ANDed, and the last
// word matches as a prefix. Words without a letter or digit are dropped; so are
// control characters. It returns "" when nothing searchable remains.
func ftsQuery(input string) string {
	var terms []string
	for word := range strings.FieldsFuncSeq(input, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}) {
		if !strings.ContainsFunc(word, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(word, `"`, `""`)+`"`)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	if len(terms) == 0 {
		return ""
	}
	terms[len(terms)-1] += "*"
	return strings.Join(terms, " ")
}
