use leptos::prelude::*;

/// Which way rows are ordered by a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

impl SortDirection {
    fn aria(self) -> &'static str {
        match self {
            Self::Ascending => "ascending",
            Self::Descending => "descending",
        }
    }

    fn arrow(self) -> &'static str {
        match self {
            Self::Ascending => "▲",
            Self::Descending => "▼",
        }
    }
}

/// A column heading. A sortable one is a link to the rows ordered by it (a URL, so the order
/// survives a reload and works without script), and says how the rows are ordered now.
#[derive(Debug, Clone)]
pub struct Column {
    label: &'static str,
    sort: Option<(String, Option<SortDirection>)>,
}

impl Column {
    pub fn plain(label: &'static str) -> Self {
        Self { label, sort: None }
    }

    pub fn sortable(label: &'static str, href: String, now: Option<SortDirection>) -> Self {
        Self {
            label,
            sort: Some((href, now)),
        }
    }
}

/// A table's headings: plain words, or columns some of which sort.
pub struct Columns(Vec<Column>);

impl From<Vec<&'static str>> for Columns {
    fn from(labels: Vec<&'static str>) -> Self {
        Self(labels.into_iter().map(Column::plain).collect())
    }
}

impl From<Vec<Column>> for Columns {
    fn from(columns: Vec<Column>) -> Self {
        Self(columns)
    }
}

/// A data table with a caption and column headers; rows come as children (`<tr>`s).
#[component]
pub fn Table(
    #[prop(into)] caption: String,
    #[prop(optional)] caption_visible: bool,
    #[prop(into)] headers: Columns,
    children: Children,
) -> impl IntoView {
    let caption_class = if caption_visible {
        "px-3 py-2 text-left text-sm font-medium text-muted"
    } else {
        "sr-only"
    };
    view! {
        <div class="overflow-x-auto rounded-md border border-border">
            <table class="card-table w-full text-left text-sm">
                <caption class=caption_class>{caption}</caption>
                <thead class="bg-surface">
                    <tr>
                        {headers.0.into_iter().map(heading).collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-border">{children()}</tbody>
            </table>
        </div>
    }
}

fn heading(column: Column) -> impl IntoView {
    let Column { label, sort } = column;
    let now = sort.as_ref().and_then(|(_, now)| *now);
    view! {
        <th scope="col" aria-sort=now.map(SortDirection::aria) class="px-3 py-2 font-semibold text-fg">
            {match sort {
                Some((href, now)) => view! {
                    <a href=href class="inline-flex items-center gap-1 text-fg underline decoration-dotted underline-offset-4">
                        {label}
                        <span aria-hidden="true" class="text-xs">{now.map(SortDirection::arrow)}</span>
                    </a>
                }
                .into_any(),
                None => label.into_any(),
            }}
        </th>
    }
}
