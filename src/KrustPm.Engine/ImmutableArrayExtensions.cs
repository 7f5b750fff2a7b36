using System.Collections.Immutable;

namespace KrustPm.Engine;

internal static class ImmutableArrayExtensions
{
    public static int FindIndex<T>(this ImmutableArray<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Length; i++)
        {
            if (match(items[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
