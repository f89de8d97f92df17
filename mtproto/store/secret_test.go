package store

import (
	"testing"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

func TestSecretStorageConformance(t *testing.T) {
	secrettest.RunStorageTests(t, func(t *testing.T) secret.Storage {
		s, _, _ := openTest(t)
		return s.Secret()
	})
}
