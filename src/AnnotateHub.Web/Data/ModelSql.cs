using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Names for the raw SQL of the hot paths (<see cref="PreparedSql"/>), read from the EF model and quoted as the provider
/// quotes them, so a table, column or enum conversion changed in the model changes the statements too (decision 0054).
/// One per model, built on first use; the statements a writer builds from it are cached with it (<see cref="Statements{T}"/>).
/// </summary>
internal sealed class ModelSql
{
    private static readonly ConditionalWeakTable<IModel, ModelSql> ByModel = new();

    private readonly IModel _model;
    private readonly ISqlGenerationHelper _sql;
    private readonly ConcurrentDictionary<Type, object> _statements = new();

    private ModelSql(IModel model, ISqlGenerationHelper sql)
    {
        _model = model;
        _sql = sql;
    }

    public static ModelSql Of(AnnotateHubDbContext db) =>
        ByModel.TryGetValue(db.Model, out var known) ? known : ByModel.GetValue(db.Model, model => new ModelSql(model, db.GetService<ISqlGenerationHelper>()));

    /// <summary>The statements <paramref name="build"/> makes from this model's names, built once per model and type.</summary>
    public T Statements<T>(Func<ModelSql, T> build) where T : class =>
        (T)_statements.GetOrAdd(typeof(T), static (_, state) => state.build(state.self), (build, self: this));

    /// <summary>The entity's table, quoted.</summary>
    public string Table<TEntity>()
    {
        var entity = Entity<TEntity>();
        return _sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
    }

    /// <summary>The property's column in the entity's table, quoted.</summary>
    public string Column<TEntity>(string property)
    {
        var entity = Entity<TEntity>();
        return _sql.DelimitIdentifier(Property(entity, property).GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))!);
    }

    /// <summary><c>INSERT INTO table (columns) VALUES (values)</c> for (property, SQL value) pairs, in order.</summary>
    public string Insert<TEntity>(params (string Property, string Value)[] values) =>
        $"INSERT INTO {Table<TEntity>()} ({string.Join(", ", values.Select(v => Column<TEntity>(v.Property)))}) VALUES ({string.Join(", ", values.Select(v => v.Value))})";

    /// <summary>What EF Core stores for a value of the property: its value converter's result (an enum's name, where the
    /// model says HasConversion&lt;string&gt;), else the value itself.</summary>
    public Func<object?, object?> ToProvider<TEntity>(string property) =>
        Property(Entity<TEntity>(), property).GetTypeMapping().Converter?.ConvertToProvider ?? (static value => value);

    /// <summary>The property's value for what the provider stored (the inverse of <see cref="ToProvider{TEntity}"/>), for
    /// plain readers.</summary>
    public Func<object?, object?> FromProvider<TEntity>(string property) =>
        Property(Entity<TEntity>(), property).GetTypeMapping().Converter?.ConvertFromProvider ?? (static value => value);

    private IEntityType Entity<TEntity>() =>
        _model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of the model.");

    private static IProperty Property(IEntityType entity, string name) =>
        entity.FindProperty(name) ?? throw new InvalidOperationException($"{entity.DisplayName()} has no property {name}.");
}
