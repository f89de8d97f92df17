package secret_test

import (
	"testing"

	"tacit/mtproto/secret"
	"tacit/mtproto/secret/secrettest"
)

func TestMemoryStorage(t *testing.T) {
	secrettest.RunStorageTests(t, func(*testing.T) secret.Storage { return secret.NewMemoryStorage() })
}
