package locale

import (
	"os"
	"testing"
)

func TestFallback(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C"}, "en"},
		{map[string]string{"LC_ALL": "POSIX"}, "en"},
		{map[string]string{"LC_MESSAGES": "C.utf8", "LANG": "de_DE.UTF-8"}, "en"},
		{map[string]string{"LANG": "C@euro"}, "en"},
		{map[string]string{"LANG": "de_DE.UTF-8"}, ""},
		{map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "pt_BR"}, "pt_BR"},
		{map[string]string{}, ""},
		{map[string]string{"LANG": "Catalan"}, ""},
	}
	for _, tt := range tests {
		for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
			t.Setenv(name, tt.env[name])
		}
		Fallback()
		if got := os.Getenv("LANGUAGE"); got != tt.want {
			t.Errorf("%v: LANGUAGE=%q, want %q", tt.env, got, tt.want)
		}
	}
}
