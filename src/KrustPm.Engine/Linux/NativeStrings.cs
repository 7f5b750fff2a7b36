using System.Runtime.InteropServices;
using System.Text;

namespace KrustPm.Engine.Linux;

/// <summary>
/// A NULL-terminated array of NUL-terminated UTF-8 strings (an argv or envp) in one native block, freed on dispose.
/// One allocation per array, whatever the number of strings.
/// </summary>
internal sealed unsafe class NativeStrings : IDisposable
{
    private void* _block;

    public NativeStrings(IReadOnlyList<string> strings)
    {
        var pointersSize = (nuint)(strings.Count + 1) * (nuint)sizeof(byte*);
        var size = pointersSize;
        foreach (var text in strings)
        {
            size += (nuint)Encoding.UTF8.GetByteCount(text) + 1;
        }

        _block = NativeMemory.Alloc(size);
        var pointers = (byte**)_block;
        var next = (byte*)_block + pointersSize;
        var end = (byte*)_block + size;
        for (var i = 0; i < strings.Count; i++)
        {
            pointers[i] = next;
            next += Encoding.UTF8.GetBytes(strings[i], new Span<byte>(next, (int)(end - next)));
            *next++ = 0;
        }

        pointers[strings.Count] = null;
    }

    /// <summary>The array (valid until disposed).</summary>
    public byte** Pointer => (byte**)_block;

    public void Dispose()
    {
        NativeMemory.Free(_block);
        _block = null;
    }
}
