namespace ModelGate.Core.IO;

/// <summary>What a path names once symbolic links are followed, as far as reading it is concerned.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,

    /// <summary>A named pipe: opening it for reading blocks until a writer comes, and reading it never ends.</summary>
    Fifo,

    /// <summary>A character or block device such as /dev/zero: it reports length 0 and can be read forever.</summary>
    Device,
    Socket,
}
