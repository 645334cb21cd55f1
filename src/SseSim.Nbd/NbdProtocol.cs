namespace SseSim.Nbd;

/// <summary>Wire constants of the NBD protocol (NetworkBlockDevice/nbd doc/proto.md), fixed newstyle only.</summary>
internal static class NbdProtocol
{
    public const ulong NbdMagic = 0x4e42444d41474943;
    public const ulong IHaveOpt = 0x49484156454F5054;
    public const ulong OptReplyMagic = 0x3e889045565a9;
    public const uint RequestMagic = 0x25609513;
    public const uint SimpleReplyMagic = 0x67446698;
    public const uint StructuredReplyMagic = 0x668e33ef;

    public const ushort FlagFixedNewstyle = 1;
    public const ushort FlagNoZeroes = 2;
    public const uint ClientFixedNewstyle = 1;
    public const uint ClientNoZeroes = 2;

    public const uint OptExportName = 1;
    public const uint OptAbort = 2;
    public const uint OptList = 3;
    public const uint OptInfo = 6;
    public const uint OptGo = 7;
    public const uint OptStructuredReply = 8;
    public const uint OptListMetaContext = 9;
    public const uint OptSetMetaContext = 10;

    public const uint RepAck = 1;
    public const uint RepServer = 2;
    public const uint RepInfo = 3;
    public const uint RepMetaContext = 4;
    public const uint RepErrUnsup = 0x80000001;
    public const uint RepErrInvalid = 0x80000003;
    public const uint RepErrUnknown = 0x80000006;
    public const uint RepErrShutdown = 0x80000007;

    public const ushort InfoExport = 0;
    public const ushort InfoBlockSize = 3;

    public const ushort TxHasFlags = 1 << 0;
    public const ushort TxReadOnly = 1 << 1;
    public const ushort TxSendFlush = 1 << 2;
    public const ushort TxSendFua = 1 << 3;
    public const ushort TxSendTrim = 1 << 5;
    public const ushort TxSendWriteZeroes = 1 << 6;
    public const ushort TxSendDf = 1 << 7;
    public const ushort TxCanMultiConn = 1 << 8;
    public const ushort TxSendCache = 1 << 10;
    public const ushort TxSendFastZero = 1 << 11;

    public const ushort CmdRead = 0;
    public const ushort CmdWrite = 1;
    public const ushort CmdDisc = 2;
    public const ushort CmdFlush = 3;
    public const ushort CmdTrim = 4;
    public const ushort CmdCache = 5;
    public const ushort CmdWriteZeroes = 6;
    public const ushort CmdBlockStatus = 7;

    public const ushort CmdFlagFua = 1 << 0;
    public const ushort CmdFlagNoHole = 1 << 1;
    public const ushort CmdFlagDf = 1 << 2;
    public const ushort CmdFlagReqOne = 1 << 3;
    public const ushort CmdFlagFastZero = 1 << 4;

    public const ushort ReplyFlagDone = 1;
    public const ushort ReplyTypeNone = 0;
    public const ushort ReplyTypeOffsetData = 1;
    public const ushort ReplyTypeBlockStatus = 5;
    public const ushort ReplyTypeError = 0x8001;

    /// <summary>The one metadata context served (proto.md "Metadata querying"): which extents are holes and read as zeros.</summary>
    public const string AllocationContext = "base:allocation";

    /// <summary>The id SET_META_CONTEXT gives <see cref="AllocationContext"/>; ids are per connection and opaque to clients.</summary>
    public const uint AllocationContextId = 1;

    /// <summary>32 MiB: the largest payload interoperable clients send (proto.md "Block size constraints").</summary>
    public const int MaxPayload = 32 * 1024 * 1024;

    /// <summary>Option data is a name (≤ 4096 bytes) plus a few info requests; anything larger is abuse.</summary>
    public const int MaxOptionLength = 16 * 1024;

    public const int PreferredBlockSize = 4096;
}
