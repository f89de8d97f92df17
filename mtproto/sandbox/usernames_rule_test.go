package sandbox

import (
	"math/rand/v2"
	"strings"
	"testing"

	"tacit/mtproto"
)

// The sandbox plays Telegram's server, so it keeps its own copy of the username rule; this test
// pins that copy to the client's (mtproto.NormalizeUsername) so that the two cannot drift apart.
func TestUsernameRuleMatchesTheClients(t *testing.T) {
	names := []string{"", "a", "abcd", "abcde", "Abcde", "abcd_", "_abcd", "1abcd", "ab_cd", "ab-cd", "ab cd",
		"ab.cd", "abcdé", strings.Repeat("a", 32), strings.Repeat("a", 33), "a1234", "a____b", "tacitdemo"}
	alphabet := "aZ09_-.é@ "
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(36) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		names = append(names, b.String())
	}
	for _, name := range names {
		if strings.ContainsAny(name, "@ ") {
			continue // the client trims spaces and one "@" as typed; the server gets the bare name
		}
		_, err := mtproto.NormalizeUsername(name)
		if server, client := validUsername(name), err == nil; server != client {
			t.Errorf("%q: the sandbox says valid=%v, the client says valid=%v", name, server, client)
		}
	}
}
