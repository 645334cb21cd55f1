using SseSim.Core.Storage;

namespace SseSim.Kms.Tests.Access;

/// <summary>Storage whose one table and one log the test holds: to restart KMS on them, or to control the log.</summary>
internal sealed class TableAndLog(IKeyValueStore table, IAppendLog log) : IStorageProvider
{
    public IKeyValueStore OpenTable(string name) => table;

    public IAppendLog OpenLog(string name) => log;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
