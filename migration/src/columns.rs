//! Column and index shapes shared by the migrations, so every table spells them one way.
use sea_orm_migration::prelude::*;

/// A `BIGINT` auto-increment primary key (`INTEGER PRIMARY KEY` on SQLite).
pub fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

pub fn big_int<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

pub fn big_int_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().null().to_owned()
}

pub fn int<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).integer().not_null().to_owned()
}

/// A counter that starts at zero.
pub fn counter<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .default(0)
        .to_owned()
}

pub fn text<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).text().not_null().to_owned()
}

pub fn text_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).text().null().to_owned()
}

pub fn string<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string().not_null().to_owned()
}

pub fn string_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).string().null().to_owned()
}

pub fn timestamp<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub fn timestamp_null<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub fn float<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .double()
        .not_null()
        .default(0.0)
        .to_owned()
}

pub fn boolean<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

/// A foreign key from `table.column` to `target.id`.
pub fn fk<T: IntoIden, C: IntoIden, R: IntoIden>(
    table: T,
    column: C,
    target: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from_tbl(table)
        .from_col(column)
        .to_tbl(target)
        .to_col(Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// A plain index named `idx_<table>_<suffix>`.
pub fn index<T: IntoIden>(table: T, suffix: &str, columns: Vec<DynIden>) -> IndexCreateStatement {
    let table = table.into_iden();
    let mut index = Index::create();
    index.name(format!("idx_{table}_{suffix}")).table(table);
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

/// Creates a table and its indexes.
pub async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Runs one dialect's raw statements, in order: `sqlite`'s on SQLite, `postgres`'s on
/// PostgreSQL (for what the schema builder cannot say: full-text indexes, triggers).
pub async fn run_raw(
    manager: &SchemaManager<'_>,
    sqlite: &[&str],
    postgres: &[&str],
) -> Result<(), DbErr> {
    use sea_orm_migration::sea_orm::DbBackend;
    let db = manager.get_connection();
    let statements = match db.get_database_backend() {
        DbBackend::Postgres => postgres,
        _ => sqlite,
    };
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// Drops a table (its indexes go with it).
pub async fn drop<T: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
) -> Result<(), DbErr> {
    manager
        .drop_table(Table::drop().table(table).to_owned())
        .await
}

/// Creates one of the three vote tables (`paper_upvotes`, `comment_upvotes`,
/// `collection_upvotes`), which share a shape: the primary key `(user_id, <target>_id)` allows
/// one vote per user per object, and the index on `(<target>_id, created_at)` lists its voters.
pub async fn create_upvote_table(
    manager: &SchemaManager<'_>,
    table: &'static str,
    target_column: &'static str,
    target_table: DynIden,
) -> Result<(), DbErr> {
    let user_id = Alias::new("user_id");
    let target_id = Alias::new(target_column);
    let create_table = Table::create()
        .table(Alias::new(table))
        .col(big_int(user_id.clone()))
        .col(big_int(target_id.clone()))
        .col(timestamp(Alias::new("created_at")))
        .primary_key(Index::create().col(user_id.clone()).col(target_id.clone()))
        .foreign_key(&mut fk(
            Alias::new(table),
            user_id,
            Alias::new("users"),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            Alias::new(table),
            target_id.clone(),
            target_table,
            ForeignKeyAction::Cascade,
        ))
        .to_owned();
    let voters = index(
        Alias::new(table),
        "target",
        vec![target_id.into_iden(), Alias::new("created_at").into_iden()],
    );
    create(manager, create_table, vec![voters]).await
}
