package secret

import (
	"context"

	"github.com/gotd/td/tg"
)

// API is the part of the Telegram API the secret chat manager uses. *tg.Client satisfies it.
//
// UploadGetFile is called with inputEncryptedFileLocation; the file lives on the data centre
// named by EncryptedFile.DCID, so a caller whose client talks to another DC should wrap
// UploadGetFile to route it there.
type API interface {
	MessagesGetDhConfig(ctx context.Context, request *tg.MessagesGetDhConfigRequest) (tg.MessagesDhConfigClass, error)
	MessagesRequestEncryption(ctx context.Context, request *tg.MessagesRequestEncryptionRequest) (tg.EncryptedChatClass, error)
	MessagesAcceptEncryption(ctx context.Context, request *tg.MessagesAcceptEncryptionRequest) (tg.EncryptedChatClass, error)
	MessagesDiscardEncryption(ctx context.Context, request *tg.MessagesDiscardEncryptionRequest) (bool, error)
	MessagesSendEncrypted(ctx context.Context, request *tg.MessagesSendEncryptedRequest) (tg.MessagesSentEncryptedMessageClass, error)
	MessagesSendEncryptedService(ctx context.Context, request *tg.MessagesSendEncryptedServiceRequest) (tg.MessagesSentEncryptedMessageClass, error)
	MessagesSendEncryptedFile(ctx context.Context, request *tg.MessagesSendEncryptedFileRequest) (tg.MessagesSentEncryptedMessageClass, error)
	MessagesReadEncryptedHistory(ctx context.Context, request *tg.MessagesReadEncryptedHistoryRequest) (bool, error)
	MessagesSetEncryptedTyping(ctx context.Context, request *tg.MessagesSetEncryptedTypingRequest) (bool, error)
	MessagesReceivedQueue(ctx context.Context, maxQts int) ([]int64, error)
	UploadSaveFilePart(ctx context.Context, request *tg.UploadSaveFilePartRequest) (bool, error)
	UploadSaveBigFilePart(ctx context.Context, request *tg.UploadSaveBigFilePartRequest) (bool, error)
	UploadGetFile(ctx context.Context, request *tg.UploadGetFileRequest) (tg.UploadFileClass, error)
}
