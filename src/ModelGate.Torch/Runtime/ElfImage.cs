using System.Buffers.Binary;
using System.Text;

namespace ModelGate.Torch.Runtime;

/// <summary>
/// Bounds-checked view of an ELF64 little-endian shared library, just enough of it to read and edit symbol versioning.
/// Every offset comes from the file itself, so every read goes through <see cref="Check"/>: a malformed or hostile
/// file must end in <see cref="InvalidDataException"/>, never in a read or write outside the buffer.
/// </summary>
internal sealed class ElfImage
{
    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint ShtDynsym = 11;

    internal const long DtNull = 0;
    internal const long DtNeeded = 1;
    internal const long DtPltRelSz = 2;
    internal const long DtHash = 4;
    internal const long DtStrTab = 5;
    internal const long DtSymTab = 6;
    internal const long DtRela = 7;
    internal const long DtRelaSz = 8;
    internal const long DtRelaEnt = 9;
    internal const long DtStrSz = 10;
    internal const long DtSymEnt = 11;
    internal const long DtRel = 17;
    internal const long DtRelSz = 18;
    internal const long DtRelEnt = 19;
    internal const long DtPltRel = 20;
    internal const long DtJmpRel = 23;
    internal const long DtVerSym = 0x6ffffff0;
    internal const long DtVerDef = 0x6ffffffc;
    internal const long DtVerDefNum = 0x6ffffffd;
    internal const long DtVerNeed = 0x6ffffffe;
    internal const long DtVerNeedNum = 0x6fffffff;

    private readonly byte[] _data;
    private readonly List<(ulong VAddr, ulong FileSize, ulong Offset)> _loads = [];
    private readonly Dictionary<long, ulong> _dynamic = [];
    private readonly List<ulong> _needed = [];

    /// <summary>Parses the headers of <paramref name="data"/>; the array is used in place, so edits land in it.</summary>
    public ElfImage(byte[] data)
    {
        _data = data;
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
        {
            throw Malformed("no ELF magic number (not a shared library, or truncated)");
        }

        if (data[4] != 2)
        {
            throw Malformed($"ELF class {data[4]} is not ELFCLASS64");
        }

        if (data[5] != 1)
        {
            throw Malformed($"ELF data encoding {data[5]} is not little-endian");
        }

        if (data[6] != 1)
        {
            throw Malformed($"ELF version {data[6]} is not 1");
        }

        ReadProgramHeaders();
        ReadDynamicSection();
        ReadSectionHeaders();
    }

    public byte[] Data => _data;

    /// <summary>File offset of the dynamic symbol table and its entry count.</summary>
    public (ulong Offset, ulong Count, ulong EntrySize) DynamicSymbols { get; private set; }

    /// <summary>File offset and size of the dynamic string table; all version and library names live there.</summary>
    public (ulong Offset, ulong Size) DynamicStrings { get; private set; }

    public IReadOnlyList<string> Needed => _needed.Select(ReadDynamicString).ToList();

    public bool TryGetDynamic(long tag, out ulong value) => _dynamic.TryGetValue(tag, out value);

    /// <summary>Translates a virtual address (what DT_* entries hold) into a file offset through the PT_LOAD segments.</summary>
    public ulong FileOffsetOf(ulong vaddr, string what)
    {
        foreach (var (start, size, offset) in _loads)
        {
            if (vaddr >= start && vaddr - start < size)
            {
                return offset + (vaddr - start);
            }
        }

        throw Malformed($"{what} address 0x{vaddr:x} is outside every loaded segment");
    }

    public ushort ReadU16(ulong offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(offset, 2));

    public uint ReadU32(ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(offset, 4));

    public ulong ReadU64(ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(Slice(offset, 8));

    public void WriteU16(ulong offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Slice(offset, 2), value);

    public void WriteU32(ulong offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Slice(offset, 4), value);

    /// <summary>Reads a NUL-terminated name at <paramref name="index"/> in the dynamic string table.</summary>
    public string ReadDynamicString(ulong index)
    {
        var (offset, size) = DynamicStrings;
        if (index >= size)
        {
            throw Malformed($"string index {index} is outside the dynamic string table ({size} bytes)");
        }

        var table = Slice(offset, size);
        var rest = table[(int)index..];
        var end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw Malformed($"string at index {index} in the dynamic string table is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(rest[..end]);
    }

    /// <summary>Finds <paramref name="name"/> as a whole NUL-terminated string in the dynamic string table.</summary>
    public ulong? FindDynamicString(string name)
    {
        var (offset, size) = DynamicStrings;
        var table = Slice(offset, size);
        var wanted = Encoding.UTF8.GetBytes(name + "\0");
        var from = 0;
        while (from < table.Length)
        {
            var hit = table[from..].IndexOf(wanted);
            if (hit < 0)
            {
                return null;
            }

            var at = from + hit;

            // A suffix of a longer string ("XGLIBCXX_3.4.30") would also match; only a string start counts.
            if (at == 0 || table[at - 1] == 0)
            {
                return (ulong)at;
            }

            from = at + 1;
        }

        return null;
    }

    public static InvalidDataException Malformed(string reason) => new($"Malformed ELF shared library: {reason}.");

    /// <summary>The only way to touch the buffer: throws unless [offset, offset + length) lies inside it.</summary>
    public Span<byte> Slice(ulong offset, ulong length)
    {
        Check(offset, length);
        return _data.AsSpan((int)offset, (int)length);
    }

    /// <summary>Like <see cref="Check"/> for <paramref name="count"/> entries, where the product itself may overflow.</summary>
    public void CheckArray(ulong offset, ulong count, ulong entrySize)
    {
        if (entrySize != 0 && count > ulong.MaxValue / entrySize)
        {
            throw Malformed($"a table of {count} entries at offset 0x{offset:x} is impossibly large");
        }

        Check(offset, count * entrySize);
    }

    public void Check(ulong offset, ulong length)
    {
        var size = (ulong)_data.Length;
        if (offset > size || length > size - offset)
        {
            throw Malformed($"{length} bytes at offset 0x{offset:x} run past the end of the file ({size} bytes; truncated?)");
        }
    }

    private void ReadProgramHeaders()
    {
        var phoff = ReadU64(32);
        var phentsize = ReadU16(54);
        var phnum = ReadU16(56);
        if (phnum == 0)
        {
            throw Malformed("no program headers");
        }

        if (phentsize < 56)
        {
            throw Malformed($"program header size {phentsize} is below 56");
        }

        CheckArray(phoff, phnum, phentsize);
        ulong? dynamicOffset = null;
        ulong dynamicSize = 0;
        for (ulong i = 0; i < phnum; i++)
        {
            var at = phoff + (i * phentsize);
            var type = ReadU32(at);
            var offset = ReadU64(at + 8);
            var vaddr = ReadU64(at + 16);
            var filesz = ReadU64(at + 32);
            if (type == PtLoad)
            {
                Check(offset, filesz);
                _loads.Add((vaddr, filesz, offset));
            }
            else if (type == PtDynamic)
            {
                dynamicOffset = offset;
                dynamicSize = filesz;
            }
        }

        if (dynamicOffset is null)
        {
            throw Malformed("no PT_DYNAMIC segment (a static executable, not a shared library)");
        }

        Check(dynamicOffset.Value, dynamicSize);
        for (var at = dynamicOffset.Value; at + 16 <= dynamicOffset.Value + dynamicSize; at += 16)
        {
            var tag = (long)ReadU64(at);
            var value = ReadU64(at + 8);
            if (tag == DtNull)
            {
                break;
            }

            if (tag == DtNeeded)
            {
                _needed.Add(value);
            }
            else
            {
                _dynamic.TryAdd(tag, value);
            }
        }
    }

    private void ReadDynamicSection()
    {
        if (!_dynamic.TryGetValue(DtStrTab, out var strtab) || !_dynamic.TryGetValue(DtStrSz, out var strsz))
        {
            throw Malformed("the dynamic segment has no DT_STRTAB/DT_STRSZ");
        }

        var strOffset = FileOffsetOf(strtab, "DT_STRTAB");
        Check(strOffset, strsz);
        DynamicStrings = (strOffset, strsz);
    }

    /// <summary>
    /// The dynamic symbol count is not in the dynamic segment; the section header is the reliable source, with
    /// DT_HASH's chain count and the usual symtab-before-strtab layout as fallbacks for stripped section headers.
    /// </summary>
    private void ReadSectionHeaders()
    {
        if (!_dynamic.TryGetValue(DtSymTab, out var symtab))
        {
            throw Malformed("the dynamic segment has no DT_SYMTAB");
        }

        var symOffset = FileOffsetOf(symtab, "DT_SYMTAB");
        var entsize = _dynamic.TryGetValue(DtSymEnt, out var e) ? e : 24;
        if (entsize < 24)
        {
            throw Malformed($"symbol entry size {entsize} is below 24");
        }

        ulong? count = null;
        var shoff = ReadU64(40);
        var shentsize = ReadU16(58);
        var shnum = ReadU16(60);
        if (shoff != 0 && shnum != 0 && shentsize >= 64)
        {
            CheckArray(shoff, shnum, shentsize);
            for (ulong i = 0; i < shnum; i++)
            {
                var at = shoff + (i * shentsize);
                if (ReadU32(at + 4) == ShtDynsym && ReadU64(at + 24) == symOffset)
                {
                    count = ReadU64(at + 32) / entsize;
                    break;
                }
            }
        }

        if (count is null && _dynamic.TryGetValue(DtHash, out var hash))
        {
            count = ReadU32(FileOffsetOf(hash, "DT_HASH") + 4);
        }

        if (count is null && DynamicStrings.Offset > symOffset)
        {
            count = (DynamicStrings.Offset - symOffset) / entsize;
        }

        if (count is null)
        {
            throw Malformed("cannot tell how many dynamic symbols there are");
        }

        CheckArray(symOffset, count.Value, entsize);
        DynamicSymbols = (symOffset, count.Value, entsize);
    }
}
