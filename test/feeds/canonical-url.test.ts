import { describe, expect, it } from "vitest";
import { absoluteHttpUrl, canonicalUrl } from "../../src/feeds/canonical-url.js";

describe("canonicalUrl", () => {
  it("lower-cases the host, drops www., the fragment and tracking parameters", () => {
    expect(
      canonicalUrl(
        "https://WWW.Example.COM/Path/Story?utm_source=rss&UTM_Campaign=x&fbclid=1&gclid=2&ref=hn&mc_cid=3&id=7#top",
      ),
    ).toBe("https://example.com/Path/Story?id=7");
  });

  it("sorts the remaining parameters so their order does not make two URLs differ", () => {
    expect(canonicalUrl("https://example.com/a?b=2&a=1")).toBe(
      canonicalUrl("https://example.com/a?a=1&b=2&utm_medium=x"),
    );
  });

  it("resolves relative links against the feed URL", () => {
    expect(canonicalUrl("/news/1", "https://www.site.test/feeds/all.xml")).toBe("https://site.test/news/1");
    expect(canonicalUrl("item.html", "https://site.test/feeds/all.xml")).toBe("https://site.test/feeds/item.html");
    expect(canonicalUrl("//cdn.site.test/x", "http://site.test/")).toBe("http://cdn.site.test/x");
  });

  it("accepts only http and https", () => {
    expect(canonicalUrl("javascript:alert(1)")).toBeNull();
    expect(canonicalUrl("mailto:a@b.test")).toBeNull();
    expect(canonicalUrl("ftp://site.test/file")).toBeNull();
    expect(canonicalUrl("data:text/html,hi", "https://site.test/")).toBeNull();
    expect(canonicalUrl("not a url")).toBeNull();
    expect(canonicalUrl("")).toBeNull();
    expect(canonicalUrl(null)).toBeNull();
  });

  it("drops credentials and the default port", () => {
    expect(canonicalUrl("https://user:pw@site.test:443/a")).toBe("https://site.test/a");
    expect(canonicalUrl("https://user@www.site.test/a")).toBe("https://site.test/a");
    expect(canonicalUrl("https://:pw@site.test/a")).toBe("https://site.test/a");
  });

  it("drops an empty fragment too, and keeps a host that only starts like www", () => {
    expect(canonicalUrl("https://site.test/a#")).toBe("https://site.test/a");
    expect(canonicalUrl("#top", "https://site.test/a")).toBe("https://site.test/a");
    expect(canonicalUrl("https://www2.site.test/a")).toBe("https://www2.site.test/a");
    expect(canonicalUrl("https://WWW.site.test/a")).toBe("https://site.test/a");
  });
});

describe("absoluteHttpUrl", () => {
  it("resolves but keeps the query of image URLs", () => {
    expect(absoluteHttpUrl("img/a.jpg?w=600&utm_source=x", "https://www.site.test/feed/")).toBe(
      "https://www.site.test/feed/img/a.jpg?w=600&utm_source=x",
    );
    expect(absoluteHttpUrl("data:image/png;base64,AAAA", "https://site.test/")).toBeNull();
  });
});
