-- What PostGraphile needs to answer the bench's feed: the daily feed as a set-returning function
-- (its generated filters compare for equality only) and the viewer's upvote as a computed column.
-- Both are plain SQL functions, which PostgreSQL inlines into PostGraphile's statement.
CREATE OR REPLACE FUNCTION daily_papers(day date) RETURNS SETOF papers AS $$
  SELECT * FROM papers WHERE submitted_at >= day AND submitted_at < day + 1
  ORDER BY upvote_count DESC, id DESC
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION papers_viewer_has_upvoted(p papers) RETURNS boolean AS $$
  SELECT EXISTS (SELECT 1 FROM paper_upvotes v WHERE v.paper_id = p.id
                 AND v.user_id = nullif(current_setting('papers.viewer', true), '')::bigint)
$$ LANGUAGE sql STABLE;
