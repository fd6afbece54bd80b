<?xml version="1.0" encoding="UTF-8"?>
<!--
  hotline: shows an RSS 2.0 or Atom feed as a readable page when opened in a browser.
  Feed readers ignore this file. Summaries are HTML-escaped text in the feed, so
  disable-output-escaping only undoes the XML layer; browsers without it show the escaped text.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:hotline="https://github.com/hotline-news/hotline/ns/1"
    exclude-result-prefixes="atom dc hotline">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <xsl:variable name="is-atom" select="boolean(atom:feed)"/>
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <xsl:variable name="self" select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/>
    <html lang="{rss/channel/language | atom:feed/@xml:lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (web feed)</title>
        <link rel="stylesheet" href="style.css"/>
      </head>
      <body>
        <header class="masthead">
          <p class="kicker">
            <xsl:choose>
              <xsl:when test="$is-atom">Atom feed</xsl:when>
              <xsl:otherwise>RSS feed</xsl:otherwise>
            </xsl:choose>
          </p>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="lede"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
          <p class="note">
            <xsl:text>This is a web feed. Copy its address into your feed reader to follow new stories</xsl:text>
            <xsl:choose>
              <xsl:when test="$self">: <code><xsl:value-of select="$self"/></code></xsl:when>
              <xsl:otherwise>.</xsl:otherwise>
            </xsl:choose>
          </p>
          <nav class="subscribe">
            <span class="label">Also here:</span>
            <a class="pill" href="index.html">Front page, all feeds</a>
          </nav>
          <p class="updated">
            <xsl:text>Updated </xsl:text>
            <xsl:choose>
              <xsl:when test="$is-atom">
                <xsl:call-template name="iso-date">
                  <xsl:with-param name="value" select="atom:feed/atom:updated"/>
                </xsl:call-template>
              </xsl:when>
              <xsl:otherwise>
                <xsl:value-of select="substring-after(rss/channel/lastBuildDate, ', ')"/>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:text> · </xsl:text>
            <xsl:value-of select="count(rss/channel/item | atom:feed/atom:entry)"/>
            <xsl:text> entries</xsl:text>
          </p>
        </header>
        <main>
          <xsl:choose>
            <xsl:when test="rss/channel/item | atom:feed/atom:entry">
              <ol class="stories">
                <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
              </ol>
            </xsl:when>
            <xsl:otherwise>
              <p class="empty">No entries yet.</p>
            </xsl:otherwise>
          </xsl:choose>
        </main>
        <footer>Made by hotline. Entries link to the original reporting.</footer>
      </body>
    </html>
  </xsl:template>

  <!-- RSS 2.0 item -->
  <xsl:template match="item">
    <li class="story">
      <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
      <p class="meta">
        <time><xsl:value-of select="substring-after(pubDate, ', ')"/></time>
        <xsl:if test="source">
          <span class="sep">·</span><span class="site"><xsl:value-of select="source"/></span>
        </xsl:if>
        <xsl:if test="dc:creator">
          <span class="sep">·</span><xsl:value-of select="dc:creator"/>
        </xsl:if>
      </p>
      <xsl:call-template name="why"/>
      <p class="summary"><xsl:value-of select="description" disable-output-escaping="yes"/></p>
      <xsl:if test="hotline:outlet">
        <p class="outlets">
          <strong>Also carried by: </strong>
          <xsl:for-each select="hotline:outlet">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <a href="{@href}"><xsl:value-of select="."/></a>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:call-template name="tags">
        <xsl:with-param name="terms" select="category"/>
      </xsl:call-template>
    </li>
  </xsl:template>

  <!-- Atom entry -->
  <xsl:template match="atom:entry">
    <li class="story">
      <h2>
        <a href="{atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      </h2>
      <p class="meta">
        <time datetime="{atom:published}">
          <xsl:call-template name="iso-date">
            <xsl:with-param name="value" select="atom:published"/>
          </xsl:call-template>
        </time>
        <xsl:if test="atom:source/atom:title">
          <span class="sep">·</span><span class="site"><xsl:value-of select="atom:source/atom:title"/></span>
        </xsl:if>
        <xsl:if test="atom:author/atom:name">
          <span class="sep">·</span><xsl:value-of select="atom:author/atom:name"/>
        </xsl:if>
      </p>
      <xsl:call-template name="why"/>
      <p class="summary"><xsl:value-of select="atom:summary" disable-output-escaping="yes"/></p>
      <xsl:if test="atom:link[@rel='related']">
        <p class="outlets">
          <strong>Also carried by: </strong>
          <xsl:for-each select="atom:link[@rel='related']">
            <xsl:if test="position() &gt; 1">, </xsl:if>
            <a href="{@href}"><xsl:value-of select="@title"/></a>
          </xsl:for-each>
        </p>
      </xsl:if>
      <xsl:call-template name="tags">
        <xsl:with-param name="terms" select="atom:category/@term"/>
      </xsl:call-template>
    </li>
  </xsl:template>

  <!-- 2024-04-16T14:00:00+08:00 → 2024-04-16 14:00 +08:00 (XSLT 1.0 has no date functions) -->
  <xsl:template name="iso-date">
    <xsl:param name="value"/>
    <xsl:value-of select="concat(substring($value, 1, 10), ' ', substring($value, 12, 5), ' ', substring($value, 20))"/>
  </xsl:template>

  <xsl:template name="why">
    <xsl:if test="hotline:reason">
      <p class="why"><strong>Why this is here: </strong><xsl:value-of select="hotline:reason"/></p>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tags">
    <xsl:param name="terms"/>
    <xsl:if test="$terms">
      <p class="tags">
        <xsl:for-each select="$terms"><span class="tag"><xsl:value-of select="."/></span></xsl:for-each>
      </p>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
