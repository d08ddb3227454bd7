use leptos::prelude::*;

/// A data table with a caption and column headers; rows come as children (`<tr>`s).
#[component]
pub fn Table(
    #[prop(into)] caption: String,
    #[prop(optional)] caption_visible: bool,
    headers: Vec<&'static str>,
    children: Children,
) -> impl IntoView {
    let caption_class = if caption_visible {
        "px-3 py-2 text-left text-sm font-medium text-muted"
    } else {
        "sr-only"
    };
    view! {
        <div class="overflow-x-auto rounded-md border border-border">
            <table class="w-full text-left text-sm">
                <caption class=caption_class>{caption}</caption>
                <thead class="bg-surface">
                    <tr>
                        {headers
                            .into_iter()
                            .map(|h| {
                                view! {
                                    <th scope="col" class="px-3 py-2 font-semibold text-fg">
                                        {h}
                                    </th>
                                }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-border">{children()}</tbody>
            </table>
        </div>
    }
}
