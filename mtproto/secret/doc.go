// Package secret implements Telegram secret chats (end-to-end encrypted 1:1 chats) for Tacit.
//
// It owns three layers:
//
//   - a pure crypto core without I/O: the MTProto 2.0 end-to-end record (Seal, Open,
//     KeyFingerprint), Diffie-Hellman parameter and public-value checks (CheckDHParams,
//     CheckPublicValue), key visualisation (KeyHash, Identicon, Emoji, HexFingerprint) and
//     per-file AES-256-IGE encryption of attachments;
//   - the protocol: key exchange, decryptedMessageLayer framing, layer negotiation, seq_no
//     rules (parity, gaps, Resend, replays), re-keying, self-destruct timers and file media;
//   - a manager that drives chats against the Telegram API and a storage interface, storing
//     raw ciphertext before acknowledging it and resending stored bytes, never re-encrypting.
//
// The package never imports Fyne, the ui or the app packages, never logs key material or
// plaintext, and treats every byte from the server or a peer as hostile: malformed input
// yields an error, never a panic.
package secret
