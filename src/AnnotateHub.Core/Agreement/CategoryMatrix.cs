using System.Numerics;

namespace AnnotateHub.Core.Agreement;

/// <summary>A square table indexed by category ids (contingency, coincidence or confusion) that grows as categories appear.</summary>
public sealed class CategoryMatrix<T> where T : struct, INumber<T>
{
    private T[] _cells;

    public CategoryMatrix(int size = 0)
    {
        Size = size;
        _cells = new T[Math.Max(size, 4) * Math.Max(size, 4)];
        Capacity = Math.Max(size, 4);
    }

    private int Capacity { get; set; }

    /// <summary>The number of categories the table covers: ids 0 to Size - 1.</summary>
    public int Size { get; private set; }

    public T this[int row, int column]
    {
        get => row < Size && column < Size ? _cells[row * Capacity + column] : T.Zero;
        set
        {
            EnsureSize(Math.Max(row, column) + 1);
            _cells[row * Capacity + column] = value;
        }
    }

    public void Add(int row, int column, T value)
    {
        if (row >= Size || column >= Size) EnsureSize(Math.Max(row, column) + 1);
        _cells[row * Capacity + column] += value;
    }

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

    public T RowSum(int row)
    {
        var sum = T.Zero;
        for (var c = 0; c < Size; c++) sum += this[row, c];
        return sum;
    }

    public T ColumnSum(int column)
    {
        var sum = T.Zero;
        for (var r = 0; r < Size; r++) sum += this[r, column];
        return sum;
    }

    public T Diagonal()
    {
        var sum = T.Zero;
        for (var i = 0; i < Size; i++) sum += this[i, i];
        return sum;
    }

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
