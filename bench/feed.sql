-- The feed page of bench/run.sh as one hand-written statement: the day's 50 most upvoted papers
-- with their counts, the viewer's upvote, the ordered author names, the submitter and the day's
-- total. pgbench runs it (`-D day="'YYYY-MM-DD'" -D viewer=ID`) to show what the database can do
-- when asked once; run.sh prints the service's feed throughput as a share of it.
SELECT p.id, p.arxiv_id, p.title, p.upvote_count, p.comment_count,
       EXISTS (SELECT 1 FROM paper_upvotes v WHERE v.paper_id = p.id AND v.user_id = :viewer)
         AS viewer_has_upvoted,
       (SELECT json_agg(a.name ORDER BY pa.position)
          FROM paper_authors pa JOIN authors a ON a.id = pa.author_id
         WHERE pa.paper_id = p.id) AS authors,
       u.username AS submitted_by,
       count(*) OVER () AS total
  FROM papers p
  LEFT JOIN users u ON u.id = p.submitted_by
 WHERE p.submitted_at >= :day::date AND p.submitted_at < :day::date + 1
 ORDER BY p.upvote_count DESC, p.id DESC
 LIMIT 50;
