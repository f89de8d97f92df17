package mtproto

import (
	"context"
	"fmt"

	"github.com/gotd/td/tg"
)

// Folders of the chat list.
const (
	FolderMain    = 0
	FolderArchive = 1
)

// Dialog is one row of the chat list.
type Dialog struct {
	Peer  Peer
	Title string
	// Unread counts unread incoming messages; Mentions those that mention
	// the user (or reply to them).
	Unread   int
	Mentions int
	// Top is the newest message; ReadInboxMax and ReadOutboxMax are the
	// read marks of incoming and outgoing messages.
	Top           Message
	ReadInboxMax  int
	ReadOutboxMax int
	Archived      bool
	// CanPost says whether the user may write here: not in a group or
	// channel they left, and in a broadcast channel only as an admin.
	CanPost bool
}

// Dialogs lists every cloud chat of a folder (FolderMain or
// FolderArchive), most recent first: private chats, groups, supergroups
// and channels.
func (cl *Cloud) Dialogs(ctx context.Context, folder int) ([]Dialog, error) {
	var (
		out        []Dialog
		offsetDate int
		offsetID   int
		offsetPeer tg.InputPeerClass = &tg.InputPeerEmpty{}
	)
	for page := 0; page < 1000; page++ {
		req := &tg.MessagesGetDialogsRequest{OffsetDate: offsetDate, OffsetID: offsetID, OffsetPeer: offsetPeer, Limit: 100}
		req.SetFolderID(folder)
		res, err := cl.api().MessagesGetDialogs(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("mtproto: dialogs: %w", Classify(err))
		}
		var (
			dialogs []tg.DialogClass
			msgs    []tg.MessageClass
			total   = -1
		)
		switch r := res.(type) {
		case *tg.MessagesDialogs:
			cl.learn(r.Users, r.Chats)
			dialogs, msgs = r.Dialogs, r.Messages
		case *tg.MessagesDialogsSlice:
			cl.learn(r.Users, r.Chats)
			dialogs, msgs, total = r.Dialogs, r.Messages, r.Count
		case *tg.MessagesDialogsNotModified:
			return out, nil
		}
		tops := map[string]Message{}
		for _, m := range msgs {
			if msg, ok := cl.message(m); ok {
				tops[fmt.Sprintf("%s/%d", msg.Peer.Key(), msg.ID)] = msg
			}
		}
		n := 0
		for _, dc := range dialogs {
			d, ok := dc.(*tg.Dialog)
			if !ok {
				continue // a folder entry
			}
			n++
			p := cl.peerOf(d.Peer)
			row := Dialog{Peer: p, Title: cl.title(p), Unread: d.UnreadCount, Mentions: d.UnreadMentionsCount,
				ReadInboxMax: d.ReadInboxMaxID, ReadOutboxMax: d.ReadOutboxMaxID, Top: tops[fmt.Sprintf("%s/%d", p.Key(), d.TopMessage)]}
			row.CanPost = cl.canPost(p)
			fid, _ := d.GetFolderID()
			row.Archived = fid == FolderArchive
			out = append(out, row)
			next, err := inputPeer(p)
			if err != nil {
				// The server named a peer it sent no object for: the next page cannot be asked for.
				return out, nil
			}
			offsetPeer, offsetID = next, d.TopMessage
			offsetDate = int(row.Top.Date.Unix())
		}
		if n == 0 || total < 0 || len(out) >= total {
			return out, nil
		}
	}
	return out, nil
}

func (cl *Cloud) canPost(p Peer) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	switch p.Kind {
	case PeerUser:
		return true
	case PeerGroup:
		c := cl.chats[p.ID]
		return c != nil && !c.Left && !c.Deactivated
	case PeerSupergroup:
		c := cl.chans[p.ID]
		return c != nil && !c.Left
	case PeerChannel:
		c := cl.chans[p.ID]
		return c != nil && !c.Left && (c.Creator || c.AdminRights.PostMessages)
	}
	return false
}

// Archive moves peer to the archive folder, or back to the main list.
func (cl *Cloud) Archive(ctx context.Context, peer Peer, archived bool) error {
	in, err := inputPeer(peer)
	if err != nil {
		return err
	}
	folder := FolderMain
	if archived {
		folder = FolderArchive
	}
	if _, err := cl.api().FoldersEditPeerFolders(ctx, []tg.InputFolderPeer{{Peer: in, FolderID: folder}}); err != nil {
		return fmt.Errorf("mtproto: archive %s: %w", peer, Classify(err))
	}
	return nil
}

// CreateGroup makes a basic group with the given members.
func (cl *Cloud) CreateGroup(ctx context.Context, title string, members []Peer) (Peer, error) {
	var users []tg.InputUserClass
	for _, m := range members {
		u, err := inputUser(m)
		if err != nil {
			return Peer{}, err
		}
		users = append(users, u)
	}
	res, err := cl.api().MessagesCreateChat(ctx, &tg.MessagesCreateChatRequest{Title: title, Users: users})
	if err != nil {
		return Peer{}, fmt.Errorf("mtproto: create group: %w", Classify(err))
	}
	return cl.chatOfUpdates(res.Updates)
}

// CreateChannel makes a broadcast channel or, with supergroup, a
// supergroup; the user is its creator and admin.
func (cl *Cloud) CreateChannel(ctx context.Context, title, about string, supergroup bool) (Peer, error) {
	res, err := cl.api().ChannelsCreateChannel(ctx, &tg.ChannelsCreateChannelRequest{Title: title, About: about,
		Broadcast: !supergroup, Megagroup: supergroup})
	if err != nil {
		return Peer{}, fmt.Errorf("mtproto: create channel: %w", Classify(err))
	}
	return cl.chatOfUpdates(res)
}

func (cl *Cloud) chatOfUpdates(u tg.UpdatesClass) (Peer, error) {
	if up, ok := u.(*tg.Updates); ok {
		cl.learn(up.Users, up.Chats)
		for _, c := range up.Chats {
			switch c := c.(type) {
			case *tg.Chat:
				return Peer{Kind: PeerGroup, ID: c.ID}, nil
			case *tg.Channel:
				return channelPeerLocked(c, c.ID), nil
			}
		}
	}
	return Peer{}, &Error{Kind: KindServer, Reason: "no created chat in the answer"}
}

// Invite adds people to a group, supergroup or channel.
func (cl *Cloud) Invite(ctx context.Context, chat Peer, users []Peer) error {
	for _, p := range users {
		u, err := inputUser(p)
		if err != nil {
			return err
		}
		switch {
		case chat.Kind == PeerGroup:
			_, err = cl.api().MessagesAddChatUser(ctx, &tg.MessagesAddChatUserRequest{ChatID: chat.ID, UserID: u})
		case chat.IsChannel():
			var ch *tg.InputChannel
			if ch, err = inputChannel(chat); err != nil {
				return err
			}
			_, err = cl.api().ChannelsInviteToChannel(ctx, &tg.ChannelsInviteToChannelRequest{Channel: ch, Users: []tg.InputUserClass{u}})
		default:
			return &Error{Kind: KindWrongPeer, Reason: "invite into a chat that is not a group or channel"}
		}
		if err != nil {
			return fmt.Errorf("mtproto: invite to %s: %w", chat, Classify(err))
		}
	}
	return nil
}

// Leave leaves a group, supergroup or channel.
func (cl *Cloud) Leave(ctx context.Context, chat Peer) error {
	var err error
	switch {
	case chat.Kind == PeerGroup:
		_, err = cl.api().MessagesDeleteChatUser(ctx, &tg.MessagesDeleteChatUserRequest{ChatID: chat.ID, UserID: &tg.InputUserSelf{}})
	case chat.IsChannel():
		var ch *tg.InputChannel
		if ch, err = inputChannel(chat); err != nil {
			return err
		}
		_, err = cl.api().ChannelsLeaveChannel(ctx, ch)
	default:
		return &Error{Kind: KindWrongPeer, Reason: "leave a chat that is not a group or channel"}
	}
	if err != nil {
		return fmt.Errorf("mtproto: leave %s: %w", chat, Classify(err))
	}
	return nil
}

// SetAdmin makes a member of a channel or supergroup an admin (who may
// post, edit and delete), or takes that away.
func (cl *Cloud) SetAdmin(ctx context.Context, chat, user Peer, admin bool) error {
	ch, err := inputChannel(chat)
	if err != nil {
		return err
	}
	u, err := inputUser(user)
	if err != nil {
		return err
	}
	rights := tg.ChatAdminRights{}
	if admin {
		rights = tg.ChatAdminRights{PostMessages: true, EditMessages: true, DeleteMessages: true, InviteUsers: true, PinMessages: true}
	}
	if _, err := cl.api().ChannelsEditAdmin(ctx, &tg.ChannelsEditAdminRequest{Channel: ch, UserID: u, AdminRights: rights}); err != nil {
		return fmt.Errorf("mtproto: admin rights in %s: %w", chat, Classify(err))
	}
	return nil
}
