"""PubMed, framework-free: no Django imports, so it can be tested against raw XML alone.

* :mod:`posts.pubmed.records` - the dataclasses and errors every part hands over;
* :mod:`posts.pubmed.parser` - efetch XML to records (:func:`parse_pubmed_xml`);
* :mod:`posts.pubmed.client` - the E-utilities HTTP client (:class:`EutilsClient`);
* :mod:`posts.pubmed.pmids` - PMIDs from pasted text and URLs (:func:`parse_pmid_input`).

The Django side passes settings to the client and stores what the parser returns.
"""
