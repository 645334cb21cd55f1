using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using static SseSim.Nbd.NbdProtocol;

namespace SseSim.Nbd;

/// <summary>
/// One client: handshake, then requests served concurrently, replies matched by handle. Once the client negotiates
/// structured replies, READ answers with a data or error chunk and BLOCK_STATUS is available (base:allocation); the
/// other commands keep simple replies, which proto.md allows.
/// </summary>
internal sealed class NbdConnection
{
    private readonly Socket? _socket;
    private readonly INbdExportProvider _exports;
    private readonly CancellationTokenSource _cts;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<NbdRequestFailure>? _failed;
    private const int MaxInFlightRequests = 16;
    private const uint BudgetUnit = 1024 * 1024;
    private const int MaxInFlightBytes = 64 * 1024 * 1024;

    private readonly SemaphoreSlim _replyLock = new(1, 1);
    private readonly SemaphoreSlim _slots = new(MaxInFlightRequests, MaxInFlightRequests);
    private readonly SemaphoreSlim _budget = new((int)(MaxInFlightBytes / BudgetUnit), (int)(MaxInFlightBytes / BudgetUnit));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Task, byte> _inFlight = new();
    private bool _noZeroes;
    private bool _structured;

    // The export base:allocation was last selected for (SET_META_CONTEXT); BLOCK_STATUS needs it to be the one served.
    private string? _allocationExport;
    private bool _allocationSelected;

    public NbdConnection(Socket socket, INbdExportProvider exports, CancellationToken serverStopping, Action<NbdRequestFailure>? failed = null)
        : this(new NetworkStream(socket, ownsSocket: true), exports, serverStopping, failed) => _socket = socket;

    /// <summary>Serves a connection over any duplex stream (the fuzz harness drives the protocol in memory).</summary>
    internal NbdConnection(Stream stream, INbdExportProvider exports, CancellationToken serverStopping, Action<NbdRequestFailure>? failed = null)
    {
        _exports = exports;
        _failed = failed;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        _stream = stream;
        // Small segments: the reader buffers at most one request (≤ 32 MiB payload) beyond what is consumed.
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public Task Completion => _completion.Task;

    /// <summary>Drops the connection now (detach, server stop): in-flight reads and writes are cancelled.</summary>
    public void Abort()
    {
        try
        {
            _cts.Cancel();
            _socket?.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
        }
    }

    public async Task RunAsync()
    {
        try
        {
            var export = await HandshakeAsync(_cts.Token);
            if (export is not null)
            {
                using var closed = export.Closed.Register(Abort);
                await TransmitAsync(export, _cts.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            // A dropped or misbehaving client ends its own connection only.
        }
        finally
        {
            await _reader.CompleteAsync();
            await _writer.CompleteAsync();
            _stream.Dispose();
            _cts.Dispose();
            _completion.TrySetResult();
        }
    }

    private async Task<INbdExport?> HandshakeAsync(CancellationToken ct)
    {
        var hello = new byte[18];
        BinaryPrimitives.WriteUInt64BigEndian(hello, NbdMagic);
        BinaryPrimitives.WriteUInt64BigEndian(hello.AsSpan(8), IHaveOpt);
        BinaryPrimitives.WriteUInt16BigEndian(hello.AsSpan(16), FlagFixedNewstyle | FlagNoZeroes);
        await _writer.WriteAsync(hello, ct);

        var clientFlags = BinaryPrimitives.ReadUInt32BigEndian(await ReadExactAsync(4, ct));
        if ((clientFlags & ~(ClientFixedNewstyle | ClientNoZeroes)) != 0 || (clientFlags & ClientFixedNewstyle) == 0)
        {
            return null;
        }
        _noZeroes = (clientFlags & ClientNoZeroes) != 0;

        while (true)
        {
            var header = await ReadExactAsync(16, ct);
            if (BinaryPrimitives.ReadUInt64BigEndian(header) != IHaveOpt)
            {
                return null;
            }
            var option = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8));
            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
            if (length > MaxOptionLength)
            {
                return null;
            }
            var data = await ReadExactAsync((int)length, ct);
            switch (option)
            {
                case OptExportName:
                    {
                        var export = _exports.Find(Encoding.UTF8.GetString(data));
                        if (export is null)
                        {
                            // EXPORT_NAME cannot carry an error: the spec says disconnect.
                            return null;
                        }
                        _allocationSelected = _allocationExport == Encoding.UTF8.GetString(data);
                        var reply = new byte[_noZeroes ? 10 : 134];
                        BinaryPrimitives.WriteInt64BigEndian(reply, export.Size);
                        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(8), TransmissionFlags(export));
                        await _writer.WriteAsync(reply, ct);
                        return export;
                    }
                case OptAbort:
                    await OptionReplyAsync(option, RepAck, [], ct);
                    return null;
                case OptList:
                    if (length != 0)
                    {
                        await OptionReplyAsync(option, RepErrInvalid, "LIST takes no data"u8.ToArray(), ct);
                        break;
                    }
                    foreach (var name in _exports.List())
                    {
                        var bytes = Encoding.UTF8.GetBytes(name);
                        var payload = new byte[4 + bytes.Length];
                        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)bytes.Length);
                        bytes.CopyTo(payload, 4);
                        await OptionReplyAsync(option, RepServer, payload, ct);
                    }
                    await OptionReplyAsync(option, RepAck, [], ct);
                    break;
                case OptInfo:
                case OptGo:
                    {
                        var export = await InfoOrGoAsync(option, data, ct);
                        if (export is not null && option == OptGo)
                        {
                            _allocationSelected = _allocationExport == export.Name;
                            return export;
                        }
                        break;
                    }
                case OptStructuredReply:
                    if (length != 0)
                    {
                        await OptionReplyAsync(option, RepErrInvalid, "STRUCTURED_REPLY takes no data"u8.ToArray(), ct);
                        break;
                    }
                    _structured = true;
                    await OptionReplyAsync(option, RepAck, [], ct);
                    break;
                case OptListMetaContext:
                case OptSetMetaContext:
                    await MetaContextAsync(option, data, ct);
                    break;
                default:
                    await OptionReplyAsync(option, RepErrUnsup, [], ct);
                    break;
            }
        }
    }

    private async Task<INbdExport?> InfoOrGoAsync(uint option, byte[] data, CancellationToken ct)
    {
        if (data.Length < 6)
        {
            await OptionReplyAsync(option, RepErrInvalid, "short INFO/GO request"u8.ToArray(), ct);
            return null;
        }
        var nameLength = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (nameLength > data.Length - 6)
        {
            await OptionReplyAsync(option, RepErrInvalid, "bad name length"u8.ToArray(), ct);
            return null;
        }
        var name = Encoding.UTF8.GetString(data, 4, (int)nameLength);
        var count = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(4 + (int)nameLength));
        if (data.Length != 6 + nameLength + (2 * count))
        {
            await OptionReplyAsync(option, RepErrInvalid, "bad information request count"u8.ToArray(), ct);
            return null;
        }
        var wantsBlockSize = false;
        for (var i = 0; i < count; i++)
        {
            wantsBlockSize |= BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(6 + (int)nameLength + (2 * i))) == InfoBlockSize;
        }
        var export = _exports.Find(name);
        if (export is null)
        {
            await OptionReplyAsync(option, RepErrUnknown, Encoding.UTF8.GetBytes($"no such export (or volume not attached): {name}"), ct);
            return null;
        }
        var info = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(info, InfoExport);
        BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(2), export.Size);
        BinaryPrimitives.WriteUInt16BigEndian(info.AsSpan(10), TransmissionFlags(export));
        await OptionReplyAsync(option, RepInfo, info, ct);
        if (wantsBlockSize)
        {
            var sizes = new byte[14];
            BinaryPrimitives.WriteUInt16BigEndian(sizes, InfoBlockSize);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(2), 1);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(6), PreferredBlockSize);
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(10), MaxPayload);
            await OptionReplyAsync(option, RepInfo, sizes, ct);
        }
        await OptionReplyAsync(option, RepAck, [], ct);
        return export;
    }

    /// <summary>
    /// LIST_META_CONTEXT and SET_META_CONTEXT. The only context is base:allocation: LIST offers it for no query,
    /// "base:" or its own name; SET selects it by name. Queries in other namespaces are ignored, as proto.md requires.
    /// </summary>
    private async Task MetaContextAsync(uint option, byte[] data, CancellationToken ct)
    {
        if (option == OptSetMetaContext)
        {
            // A SET replaces every earlier selection, even when it fails.
            _allocationExport = null;
        }
        if (!_structured)
        {
            await OptionReplyAsync(option, RepErrInvalid, "negotiate structured replies first"u8.ToArray(), ct);
            return;
        }
        if (!TryParseMetaContextRequest(data, out var name, out var queries))
        {
            await OptionReplyAsync(option, RepErrInvalid, "malformed meta context request"u8.ToArray(), ct);
            return;
        }
        if (queries.Any(q => !q.Contains(':')))
        {
            await OptionReplyAsync(option, RepErrInvalid, "a query must start with a namespace and a colon"u8.ToArray(), ct);
            return;
        }
        if (_exports.Find(name) is null)
        {
            await OptionReplyAsync(option, RepErrUnknown, Encoding.UTF8.GetBytes($"no such export (or volume not attached): {name}"), ct);
            return;
        }
        var matches = option == OptListMetaContext
            ? queries.Count == 0 || queries.Any(q => q is "base:" or AllocationContext)
            : queries.Contains(AllocationContext);
        if (matches)
        {
            var context = Encoding.UTF8.GetBytes(AllocationContext);
            var payload = new byte[4 + context.Length];
            // LIST's context ids are reserved (zero); SET's is the id BLOCK_STATUS replies carry.
            BinaryPrimitives.WriteUInt32BigEndian(payload, option == OptSetMetaContext ? AllocationContextId : 0);
            context.CopyTo(payload, 4);
            await OptionReplyAsync(option, RepMetaContext, payload, ct);
            if (option == OptSetMetaContext)
            {
                _allocationExport = name;
            }
        }
        await OptionReplyAsync(option, RepAck, [], ct);
    }

    /// <summary>32-bit name length, name, 32-bit query count, then each query as 32-bit length and string.</summary>
    private static bool TryParseMetaContextRequest(byte[] data, out string name, out List<string> queries)
    {
        name = "";
        queries = [];
        if (data.Length < 8)
        {
            return false;
        }
        var nameLength = BinaryPrimitives.ReadUInt32BigEndian(data);
        if (nameLength > data.Length - 8)
        {
            return false;
        }
        name = Encoding.UTF8.GetString(data, 4, (int)nameLength);
        var at = 4 + (int)nameLength;
        var count = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
        at += 4;
        for (var i = 0u; i < count; i++)
        {
            if (data.Length - at < 4)
            {
                return false;
            }
            var queryLength = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            at += 4;
            if (queryLength > data.Length - at)
            {
                return false;
            }
            queries.Add(Encoding.UTF8.GetString(data, at, (int)queryLength));
            at += (int)queryLength;
        }
        return at == data.Length;
    }

    private ushort TransmissionFlags(INbdExport export)
    {
        // CAN_MULTI_CONN holds: all connections share one device and FLUSH makes the whole store durable. CACHE is
        // accepted and does nothing (proto.md allows that); DF costs nothing once replies are structured, since a
        // READ is always one chunk.
        var flags = (ushort)(TxHasFlags | TxSendFlush | TxSendFua | TxSendTrim | TxSendWriteZeroes | TxCanMultiConn | TxSendCache | TxSendFastZero);
        if (_structured)
        {
            flags |= TxSendDf;
        }
        return export.IsReadOnly ? (ushort)(flags | TxReadOnly) : flags;
    }

    private async ValueTask OptionReplyAsync(uint option, uint type, byte[] data, CancellationToken ct)
    {
        var header = new byte[20];
        BinaryPrimitives.WriteUInt64BigEndian(header, OptReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), option);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), type);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), (uint)data.Length);
        _writer.Write(header);
        _writer.Write(data);
        await _writer.FlushAsync(ct);
    }

    private async Task TransmitAsync(INbdExport export, CancellationToken ct)
    {
        try
        {
            await ReceiveRequestsAsync(export, ct);
        }
        finally
        {
            // Replies of requests still running go out (or fail on the dropped socket) before the writer completes.
            await Task.WhenAll(_inFlight.Keys);
        }
    }

    /// <summary>
    /// Reads requests in order and runs each on its own task, so a queue depth above one keeps both cores busy;
    /// replies go out as requests finish, matched by handle (proto.md allows out-of-order replies). In-flight
    /// work is bounded by <see cref="MaxInFlightRequests"/> and <see cref="MaxInFlightBytes"/>.
    /// </summary>
    private async Task ReceiveRequestsAsync(INbdExport export, CancellationToken ct)
    {
        while (true)
        {
            var request = await ReadExactAsync(28, ct);
            if (BinaryPrimitives.ReadUInt32BigEndian(request) != RequestMagic)
            {
                return;
            }
            var flags = BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(4));
            var type = BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(6));
            var handle = BinaryPrimitives.ReadUInt64BigEndian(request.AsSpan(8));
            var offset = BinaryPrimitives.ReadUInt64BigEndian(request.AsSpan(16));
            var length = BinaryPrimitives.ReadUInt32BigEndian(request.AsSpan(24));
            var fua = (flags & CmdFlagFua) != 0;
            // FUA is valid on every command (proto.md); the others only where documented.
            var allowed = type switch
            {
                CmdRead when _structured => CmdFlagFua | CmdFlagDf,
                CmdWriteZeroes => CmdFlagFua | CmdFlagNoHole | CmdFlagFastZero,
                CmdBlockStatus => CmdFlagFua | CmdFlagReqOne,
                _ => CmdFlagFua,
            };
            var badFlags = (flags & ~allowed) != 0;
            var inBounds = offset <= (ulong)export.Size && length <= (ulong)export.Size - offset;

            switch (type)
            {
                case CmdDisc:
                    return;
                case CmdWrite:
                    {
                        if (length > MaxPayload)
                        {
                            // proto.md lets the server refuse an oversized request without disconnecting: the payload
                            // is read through a bounded buffer and dropped, then the request fails with EINVAL.
                            await SkipAsync(length, ct);
                            await SimpleReplyAsync(NbdError.Einval, handle, default, ct);
                            break;
                        }
                        var units = await AcquireAsync(length, ct);
                        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
                        try
                        {
                            await ReadExactIntoAsync(buffer.AsMemory(0, (int)length), ct);
                        }
                        catch
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                            _budget.Release(units);
                            _slots.Release();
                            throw;
                        }
                        Start(units, buffer, async () =>
                        {
                            var error = badFlags ? NbdError.Einval
                                : export.IsReadOnly ? NbdError.Eperm
                                : !inBounds ? NbdError.Enospc
                                : await RunAsync(export, "WRITE", offset, length, () => export.WriteAsync((long)offset, buffer.AsMemory(0, (int)length), fua, ct));
                            await SimpleReplyAsync(error, handle, default, ct);
                        });
                        break;
                    }
                case CmdRead:
                    {
                        if (badFlags || !inBounds || length > MaxPayload)
                        {
                            await ReadReplyAsync(NbdError.Einval, handle, offset, default, ct);
                            break;
                        }
                        var units = await AcquireAsync(length, ct);
                        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
                        Start(units, buffer, async () =>
                        {
                            var error = await RunAsync(export, "READ", offset, length, () => export.ReadAsync((long)offset, buffer.AsMemory(0, (int)length), ct));
                            await ReadReplyAsync(error, handle, offset, error == 0 ? buffer.AsMemory(0, (int)length) : default, ct);
                        });
                        break;
                    }
                case CmdFlush:
                    Start(await AcquireAsync(0, ct), null, async () =>
                        await SimpleReplyAsync(badFlags ? NbdError.Einval : await RunAsync(export, "FLUSH", offset, length, () => export.FlushAsync(ct)), handle, default, ct));
                    break;
                case CmdTrim:
                case CmdWriteZeroes:
                    Start(await AcquireAsync(0, ct), null, async () =>
                    {
                        var error = badFlags ? NbdError.Einval
                            : export.IsReadOnly ? NbdError.Eperm
                            : !inBounds ? (type == CmdTrim ? NbdError.Einval : NbdError.Enospc)
                            : (flags & CmdFlagFastZero) != 0 && !export.CanZeroFast((long)offset, length) ? NbdError.Enotsup
                            : await RunAsync(export, type == CmdTrim ? "TRIM" : "WRITE_ZEROES", offset, length, () => type == CmdTrim
                                ? export.TrimAsync((long)offset, length, fua, ct)
                                : export.WriteZeroesAsync((long)offset, length, fua, ct));
                        await SimpleReplyAsync(error, handle, default, ct);
                    });
                    break;
                case CmdCache:
                    // Every read is served from the store as it is; there is nothing to warm.
                    Start(await AcquireAsync(0, ct), null, async () =>
                        await SimpleReplyAsync(badFlags || !inBounds ? NbdError.Einval : 0, handle, default, ct));
                    break;
                case CmdBlockStatus when _structured:
                    Start(await AcquireAsync(0, ct), null, async () =>
                    {
                        IReadOnlyList<NbdExtent> extents = [];
                        var error = badFlags || !_allocationSelected || !inBounds || length == 0
                            ? NbdError.Einval
                            : await RunAsync(export, "BLOCK_STATUS", offset, length, async () => extents = await export.GetAllocationAsync((long)offset, length, ct));
                        if (error != 0)
                        {
                            await StructuredErrorAsync(error, handle, ct);
                            return;
                        }
                        await BlockStatusReplyAsync(handle, extents, length, (flags & CmdFlagReqOne) != 0, ct);
                    });
                    break;
                default:
                    await SimpleReplyAsync(NbdError.Einval, handle, default, ct);
                    break;
            }
        }
    }

    /// <summary>
    /// A READ's answer: with structured replies, one data chunk (or an error chunk) that ends the reply, sent only after
    /// the whole range was read and verified; otherwise a simple reply.
    /// </summary>
    private async ValueTask ReadReplyAsync(uint error, ulong handle, ulong offset, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (!_structured)
        {
            await SimpleReplyAsync(error, handle, data, ct);
            return;
        }
        if (error != 0)
        {
            await StructuredErrorAsync(error, handle, ct);
            return;
        }
        if (data.IsEmpty)
        {
            // OFFSET_DATA must carry at least one byte; a zero-length read is answered with NONE.
            await StructuredReplyAsync(ReplyTypeNone, handle, [], default, ct);
            return;
        }
        var position = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(position, offset);
        await StructuredReplyAsync(ReplyTypeOffsetData, handle, position, data, ct);
    }

    private ValueTask StructuredErrorAsync(uint error, ulong handle, CancellationToken ct)
    {
        // Error number and an empty message: the cause goes to the server's log (RunAsync), not to the client.
        var payload = new byte[6];
        BinaryPrimitives.WriteUInt32BigEndian(payload, error);
        return StructuredReplyAsync(ReplyTypeError, handle, payload, default, ct);
    }

    /// <summary>
    /// One BLOCK_STATUS chunk for the base:allocation context: the extents capped at the request's end (with REQ_ONE,
    /// only the first).
    /// </summary>
    private ValueTask BlockStatusReplyAsync(ulong handle, IReadOnlyList<NbdExtent> extents, uint length, bool reqOne, CancellationToken ct)
    {
        var descriptors = new List<(uint Length, uint Flags)>();
        long covered = 0;
        foreach (var extent in extents)
        {
            var take = (uint)Math.Min(extent.Length, length - covered);
            if (take == 0)
            {
                break;
            }
            descriptors.Add((take, extent.Flags));
            covered += take;
            if (reqOne || covered == length)
            {
                break;
            }
        }
        if (descriptors.Count == 0)
        {
            // An export that reports nothing still answers: status 0 is always correct.
            descriptors.Add((length, 0));
        }
        var payload = new byte[4 + (8 * descriptors.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(payload, AllocationContextId);
        for (var i = 0; i < descriptors.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4 + (8 * i)), descriptors[i].Length);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(8 + (8 * i)), descriptors[i].Flags);
        }
        return StructuredReplyAsync(ReplyTypeBlockStatus, handle, payload, default, ct);
    }

    /// <summary>A single-chunk structured reply (REPLY_FLAG_DONE set): header, fixed payload, then data.</summary>
    private async ValueTask StructuredReplyAsync(ushort type, ulong handle, byte[] payload, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _replyLock.WaitAsync(ct);
        try
        {
            var header = _writer.GetSpan(20);
            BinaryPrimitives.WriteUInt32BigEndian(header, StructuredReplyMagic);
            BinaryPrimitives.WriteUInt16BigEndian(header[4..], ReplyFlagDone);
            BinaryPrimitives.WriteUInt16BigEndian(header[6..], type);
            BinaryPrimitives.WriteUInt64BigEndian(header[8..], handle);
            BinaryPrimitives.WriteUInt32BigEndian(header[16..], (uint)(payload.Length + data.Length));
            _writer.Advance(20);
            _writer.Write(payload);
            if (!data.IsEmpty)
            {
                _writer.Write(data.Span);
            }
            await _writer.FlushAsync(ct);
        }
        finally
        {
            _replyLock.Release();
        }
    }

    /// <summary>Takes one request slot and the payload's share of the byte budget, in 1 MiB units.</summary>
    private async ValueTask<int> AcquireAsync(uint length, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        var units = (int)((length + BudgetUnit - 1) / BudgetUnit);
        var taken = 0;
        try
        {
            // Only this loop acquires, so taking units one by one cannot deadlock against another taker.
            for (; taken < units; taken++)
            {
                await _budget.WaitAsync(ct);
            }
        }
        catch
        {
            if (taken > 0)
            {
                _budget.Release(taken);
            }
            _slots.Release();
            throw;
        }
        return units;
    }

    private void Start(int units, byte[]? buffer, Func<Task> serve)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await serve();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The reply could not be sent: the connection is going away, and the receive loop ends with it.
                Abort();
            }
            finally
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                if (units > 0)
                {
                    _budget.Release(units);
                }
                _slots.Release();
            }
        });
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one export operation and turns its failure into the NBD error to answer: the export's own choice for an
    /// <see cref="NbdException"/>, ENOSPC for a full disk, EIO for anything else (a block that fails authentication, a
    /// storage error, or a bug: the request is still answered, and the connection goes on). Cancellation (the
    /// connection or server going away) is not an answer and propagates.
    /// </summary>
    private async ValueTask<uint> RunAsync(INbdExport export, string command, ulong offset, uint length, Func<ValueTask> operation)
    {
        uint error;
        try
        {
            await operation();
            return 0;
        }
        catch (NbdException e)
        {
            return e.Error;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            // A full disk is ENOSPC to the client as well (proto.md); on Unix .NET's IOException carries the errno.
            error = e is IOException && e.HResult == (int)NbdError.Enospc ? NbdError.Enospc : NbdError.Eio;
            _failed?.Invoke(new NbdRequestFailure(export.Name, command, (long)offset, length, error, e));
        }
        return error;
    }

    private async ValueTask SimpleReplyAsync(uint error, ulong handle, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        await _replyLock.WaitAsync(ct);
        try
        {
            WriteSimpleReply(error, handle, data.Span);
            await _writer.FlushAsync(ct);
        }
        finally
        {
            _replyLock.Release();
        }
    }

    private void WriteSimpleReply(uint error, ulong handle, ReadOnlySpan<byte> data)
    {
        var header = _writer.GetSpan(16);
        BinaryPrimitives.WriteUInt32BigEndian(header, SimpleReplyMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], error);
        BinaryPrimitives.WriteUInt64BigEndian(header[8..], handle);
        _writer.Advance(16);
        if (!data.IsEmpty)
        {
            _writer.Write(data);
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken ct)
    {
        while (count > 0)
        {
            var read = await _reader.ReadAsync(ct);
            var take = Math.Min(read.Buffer.Length, count);
            _reader.AdvanceTo(read.Buffer.GetPosition(take));
            count -= take;
            if (count > 0 && read.IsCompleted)
            {
                throw new EndOfStreamException("NBD client closed the connection mid-message.");
            }
        }
    }

    private async ValueTask<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        await ReadExactIntoAsync(result, ct);
        return result;
    }

    private async ValueTask ReadExactIntoAsync(Memory<byte> destination, CancellationToken ct)
    {
        var filled = 0;
        while (filled < destination.Length)
        {
            var read = await _reader.ReadAsync(ct);
            var buffer = read.Buffer;
            var consumed = buffer.Start;
            try
            {
                var take = (int)Math.Min(buffer.Length, destination.Length - filled);
                var slice = buffer.Slice(0, take);
                slice.CopyTo(destination.Span[filled..]);
                filled += take;
                consumed = slice.End;
                if (filled < destination.Length && read.IsCompleted)
                {
                    throw new EndOfStreamException("NBD client closed the connection mid-message.");
                }
            }
            finally
            {
                _reader.AdvanceTo(consumed);
            }
        }
    }
}
