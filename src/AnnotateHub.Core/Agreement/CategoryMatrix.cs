using System.Numerics;

namespace AnnotateHub.Core.Agreement;

/// <summary>A square table indexed by category ids (contingency, coincidence or confusion) that grows as categories appear.</summary>
public sealed class CategoryMatrix<T> where T : struct, INumber<T>
{
    private T[] _cells;

    /// <summary>A table of <paramref name="size"/> by <paramref name="size"/> zeros; it grows when a larger id is written.</summary>
    public CategoryMatrix(int size = 0)
    {
        Size = size;
        _cells = new T[Math.Max(size, 4) * Math.Max(size, 4)];
        Capacity = Math.Max(size, 4);
    }

    private int Capacity { get; set; }

    /// <summary>The number of categories the table covers: ids 0 to Size - 1.</summary>
    public int Size { get; private set; }

    /// <summary>
    /// One cell. Reading outside the table gives zero; writing outside it grows the table to cover the larger index.
    /// Ids must not be negative.
    /// </summary>
    public T this[int row, int column]
    {
        get => row < Size && column < Size ? _cells[row * Capacity + column] : T.Zero;
        set
        {
            EnsureSize(Math.Max(row, column) + 1);
            _cells[row * Capacity + column] = value;
        }
    }

    /// <summary>Adds <paramref name="value"/> to one cell, growing the table when the cell is outside it.</summary>
    public void Add(int row, int column, T value)
    {
        if (row >= Size || column >= Size) EnsureSize(Math.Max(row, column) + 1);
        _cells[row * Capacity + column] += value;
    }

    /// <summary>Grows the table to at least <paramref name="size"/> categories (new cells are zero); never shrinks it.</summary>
    public void EnsureSize(int size)
    {
        if (size <= Size) return;
        if (size > Capacity)
        {
            var capacity = Math.Max(size, Capacity * 2);
            var cells = new T[capacity * capacity];
            for (var r = 0; r < Size; r++) Array.Copy(_cells, r * Capacity, cells, r * capacity, Size);
            _cells = cells;
            Capacity = capacity;
        }
        Size = size;
    }

    /// <summary>The sum of one row (zero for a row outside the table).</summary>
    public T RowSum(int row)
    {
        var sum = T.Zero;
        for (var c = 0; c < Size; c++) sum += this[row, c];
        return sum;
    }

    /// <summary>The sum of one column (zero for a column outside the table).</summary>
    public T ColumnSum(int column)
    {
        var sum = T.Zero;
        for (var r = 0; r < Size; r++) sum += this[r, column];
        return sum;
    }

    /// <summary>The sum of the diagonal: the count (or weight) of agreeing pairs.</summary>
    public T Diagonal()
    {
        var sum = T.Zero;
        for (var i = 0; i < Size; i++) sum += this[i, i];
        return sum;
    }

    /// <summary>The sum of all cells.</summary>
    public T Total()
    {
        var sum = T.Zero;
        for (var r = 0; r < Size; r++)
        for (var c = 0; c < Size; c++) sum += _cells[r * Capacity + c];
        return sum;
    }

    /// <summary>Copies a two-dimensional array (tests and published examples).</summary>
    public static CategoryMatrix<T> From(T[,] values)
    {
        var size = Math.Max(values.GetLength(0), values.GetLength(1));
        var m = new CategoryMatrix<T>(size);
        for (var r = 0; r < values.GetLength(0); r++)
        for (var c = 0; c < values.GetLength(1); c++) m[r, c] = values[r, c];
        return m;
    }

    /// <summary>A copy of the table as <see cref="Size"/> rows of <see cref="Size"/> cells (the JSON shape of the report).</summary>
    public T[][] ToRows()
    {
        var rows = new T[Size][];
        for (var r = 0; r < Size; r++)
        {
            rows[r] = new T[Size];
            for (var c = 0; c < Size; c++) rows[r][c] = this[r, c];
        }
        return rows;
    }
}
