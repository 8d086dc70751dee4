namespace ModelGate.Torch.Runtime;

/// <summary>
/// Managed stand-in for the two patchelf edits that let a library built with a newer GCC load against an older
/// libstdc++: users have only the .NET SDK, so there is no patchelf to call. Works on ELF64 little-endian files.
/// All readers and the patcher throw <see cref="InvalidDataException"/> for malformed input.
/// </summary>
public static class ElfVersionNeedPatcher
{
    /// <summary><c>.gnu.version</c> value meaning "any version" (VER_NDX_GLOBAL).</summary>
    private const ushort VersionGlobal = 1;

    /// <summary>Verdef flag of the entry that names the library itself rather than a version it defines.</summary>
    private const ushort VerFlagBase = 1;

    private const ushort VersionIndexMask = 0x7fff;

    /// <summary>
    /// Returns a copy of <paramref name="image"/> that no longer needs <paramref name="wantedVersion"/> from
    /// <paramref name="library"/>: its Vernaux entry is re-pointed at <paramref name="availableVersion"/> (name and
    /// hash; the index is kept), and every <c>.gnu.version</c> entry using that index becomes global, as
    /// <c>patchelf --clear-symbol-version</c> does. The available name must already be needed from the same library,
    /// because its string has to exist in <c>.dynstr</c> and the string table cannot grow in place.
    /// </summary>
    public static ElfVersionPatchResult Patch(ReadOnlySpan<byte> image, string library, string wantedVersion, string availableVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        ArgumentException.ThrowIfNullOrEmpty(wantedVersion);
        ArgumentException.ThrowIfNullOrEmpty(availableVersion);

        var elf = new ElfImage(image.ToArray());
        var needs = ReadNeeds(elf);
        var wanted = needs.FirstOrDefault(n => n.Need.Library == library && n.Need.Version == wantedVersion);
        if (wanted.Need is null)
        {
            throw new ArgumentException($"The library does not need {wantedVersion} from {library}; nothing to patch.", nameof(wantedVersion));
        }

        var available = needs.FirstOrDefault(n => n.Need.Library == library && n.Need.Version == availableVersion);
        if (available.Need is null)
        {
            throw new ArgumentException(
                $"The library does not already need {availableVersion} from {library}, so that name is not in its string table to point at.",
                nameof(availableVersion));
        }

        elf.WriteU32(wanted.AuxOffset, ElfHash(availableVersion));
        elf.WriteU32(wanted.AuxOffset + 8, available.NameIndex);

        var cleared = ClearSymbolVersions(elf, wanted.Need.Index);
        var relocations = CountRelocations(elf, cleared.Select(c => c.SymbolIndex).ToHashSet());
        return new ElfVersionPatchResult(elf.Data, cleared.Select(c => c.Name).ToList(), relocations);
    }

    /// <summary>Every version the library needs, per needed library, in file order (what <c>readelf -V</c> lists under <c>.gnu.version_r</c>).</summary>
    public static IReadOnlyList<ElfVersionNeed> ReadVersionNeeds(ReadOnlySpan<byte> image) =>
        ReadNeeds(new ElfImage(image.ToArray())).Select(n => n.Need).ToList();

    /// <summary>The library's DT_NEEDED sonames, in load order.</summary>
    public static IReadOnlyList<string> ReadNeededLibraries(ReadOnlySpan<byte> image) => new ElfImage(image.ToArray()).Needed;

    /// <summary>
    /// The versions a library defines (<c>.gnu.version_d</c>), e.g. <c>GLIBCXX_3.4 … GLIBCXX_3.4.30</c> for the
    /// libstdc++ of GCC 12. The entry naming the library itself is left out.
    /// </summary>
    public static IReadOnlyList<string> ReadVersionDefinitions(ReadOnlySpan<byte> image)
    {
        var elf = new ElfImage(image.ToArray());
        var names = new List<string>();
        if (!elf.TryGetDynamic(ElfImage.DtVerDef, out var verdef))
        {
            return names;
        }

        var count = elf.TryGetDynamic(ElfImage.DtVerDefNum, out var n) ? n : 0;
        var at = elf.FileOffsetOf(verdef, "DT_VERDEF");
        for (ulong i = 0; i < count; i++)
        {
            var flags = elf.ReadU16(at + 2);
            var auxCount = elf.ReadU16(at + 6);
            var aux = elf.ReadU32(at + 12);
            var next = elf.ReadU32(at + 16);
            if ((flags & VerFlagBase) == 0 && auxCount > 0)
            {
                names.Add(elf.ReadDynamicString(elf.ReadU32(Advance(elf, at, aux))));
            }

            if (next == 0)
            {
                break;
            }

            at = Advance(elf, at, next);
        }

        return names;
    }

    /// <summary>The System V ELF hash that <c>vna_hash</c> and <c>vd_hash</c> hold.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (var c in System.Text.Encoding.UTF8.GetBytes(name))
        {
            h = (h << 4) + c;
            var g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }

            h &= ~g;
        }

        return h;
    }

    private static List<(ElfVersionNeed Need, ulong AuxOffset, uint NameIndex)> ReadNeeds(ElfImage elf)
    {
        var result = new List<(ElfVersionNeed, ulong, uint)>();
        if (!elf.TryGetDynamic(ElfImage.DtVerNeed, out var verneed))
        {
            return result;
        }

        var count = elf.TryGetDynamic(ElfImage.DtVerNeedNum, out var n) ? n : 0;
        var at = elf.FileOffsetOf(verneed, "DT_VERNEED");
        for (ulong i = 0; i < count; i++)
        {
            var auxCount = elf.ReadU16(at + 2);
            var file = elf.ReadDynamicString(elf.ReadU32(at + 4));
            var aux = Advance(elf, at, elf.ReadU32(at + 8));
            var next = elf.ReadU32(at + 12);
            for (var j = 0; j < auxCount; j++)
            {
                var hash = elf.ReadU32(aux);
                var index = elf.ReadU16(aux + 6);
                var name = elf.ReadU32(aux + 8);
                var auxNext = elf.ReadU32(aux + 12);
                result.Add((new ElfVersionNeed(file, elf.ReadDynamicString(name), index, hash), aux, name));
                if (auxNext == 0)
                {
                    break;
                }

                aux = Advance(elf, aux, auxNext);
            }

            if (next == 0)
            {
                break;
            }

            at = Advance(elf, at, next);
        }

        return result;
    }

    private static List<(ulong SymbolIndex, string Name)> ClearSymbolVersions(ElfImage elf, ushort versionIndex)
    {
        if (!elf.TryGetDynamic(ElfImage.DtVerSym, out var versym))
        {
            throw ElfImage.Malformed("version needs without a DT_VERSYM table");
        }

        var (symOffset, count, entrySize) = elf.DynamicSymbols;
        var table = elf.FileOffsetOf(versym, "DT_VERSYM");
        elf.CheckArray(table, count, 2);
        var cleared = new List<(ulong, string)>();
        for (ulong i = 0; i < count; i++)
        {
            var entry = table + (i * 2);
            if ((elf.ReadU16(entry) & VersionIndexMask) == versionIndex)
            {
                elf.WriteU16(entry, VersionGlobal);
                cleared.Add((i, elf.ReadDynamicString(elf.ReadU32(symOffset + (i * entrySize)))));
            }
        }

        return cleared;
    }

    /// <summary>Counts relocations in DT_RELA, DT_REL and DT_JMPREL whose symbol is one of <paramref name="symbols"/>.</summary>
    private static int CountRelocations(ElfImage elf, HashSet<ulong> symbols)
    {
        if (symbols.Count == 0)
        {
            return 0;
        }

        var pltEntry = elf.TryGetDynamic(ElfImage.DtPltRel, out var pltRel) && pltRel == (ulong)ElfImage.DtRel ? 16UL : 24UL;
        return CountIn(elf, ElfImage.DtRela, ElfImage.DtRelaSz, elf.TryGetDynamic(ElfImage.DtRelaEnt, out var ra) ? ra : 24, symbols)
            + CountIn(elf, ElfImage.DtRel, ElfImage.DtRelSz, elf.TryGetDynamic(ElfImage.DtRelEnt, out var re) ? re : 16, symbols)
            + CountIn(elf, ElfImage.DtJmpRel, ElfImage.DtPltRelSz, pltEntry, symbols);
    }

    private static int CountIn(ElfImage elf, long tableTag, long sizeTag, ulong entrySize, HashSet<ulong> symbols)
    {
        if (!elf.TryGetDynamic(tableTag, out var address) || !elf.TryGetDynamic(sizeTag, out var size) || size == 0)
        {
            return 0;
        }

        if (entrySize < 16)
        {
            throw ElfImage.Malformed($"relocation entry size {entrySize} is below 16");
        }

        var offset = elf.FileOffsetOf(address, "relocation table");
        elf.Check(offset, size);
        var found = 0;
        for (ulong at = offset; size - (at - offset) >= entrySize; at += entrySize)
        {
            if (symbols.Contains(elf.ReadU64(at + 8) >> 32))
            {
                found++;
            }
        }

        return found;
    }

    /// <summary>Follows a version-table link, refusing any that leaves the file (so later reads cannot wrap around).</summary>
    private static ulong Advance(ElfImage elf, ulong offset, ulong by)
    {
        if (by > ulong.MaxValue - offset)
        {
            throw ElfImage.Malformed("a version table link points past the end of the file");
        }

        elf.Check(offset + by, 8);
        return offset + by;
    }
}
